// The exit codes of lrtune, in one place.
#pragma once

namespace lrtune::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;          // a data, file or training error
inline constexpr int kExitUsage = 2;          // a bad flag, experiment file or command line
inline constexpr int kExitDiverged = 3;       // train: the loss became inf/NaN; the finished epochs' history is kept
inline constexpr int kExitInterrupted = 130;  // Ctrl-C (128 + SIGINT); main turns it into 128 + the signal
                                              // that stopped the run (143 SIGTERM, 129 SIGHUP)

}  // namespace lrtune::cli
