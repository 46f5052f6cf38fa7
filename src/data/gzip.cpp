// gzip input with zlib's inflate: one member after another into InputBytes' growable pages, the
// cap checked as the output grows. zlib's own words say what is wrong with a corrupt stream.
#include "lrtune/data/gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "lrtune/data/error.hpp"

namespace lrtune {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {

// One inflate state, freed on every exit (errors are exceptions).
class Inflater {
 public:
  explicit Inflater(const std::string& source) {
    // 16 + MAX_WBITS: gzip wrapper only (not zlib's, not raw deflate).
    if (inflateInit2(&stream_, 16 + MAX_WBITS) != Z_OK) {
      throw DataError(fmt::format("{}: cannot start gzip decompression (zlib: out of memory)", source));
    }
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() { inflateEnd(&stream_); }

  z_stream& stream() { return stream_; }
  void reset() { inflateReset(&stream_); }

 private:
  z_stream stream_{};
};

[[noreturn]] void corrupt(const std::string& source, std::size_t offset, const char* reason) {
  throw DataError(
      fmt::format("{}: corrupt gzip stream at compressed byte {} (zlib: {}); expected a complete gzip "
                  "file (check it with gzip -t)",
                  source, offset, reason != nullptr ? reason : "invalid data"));
}

}  // namespace

InputBytes gunzip(std::string_view compressed, const std::string& source, std::uint64_t max_bytes) {
  InputBytes out;
  const auto grow = [&](std::size_t capacity) {
    if (!out.reserve(capacity)) {
      throw DataError(fmt::format("{}: cannot allocate {} bytes of memory to decompress it ({})", source, capacity,
                                  std::strerror(errno)));
    }
  };
  // A first guess of four times the compressed size (CSV text compresses 3-10x); doubled as needed.
  grow(std::max<std::size_t>(64 << 10, std::min<std::size_t>(compressed.size() * 4, max_bytes + 1)));
  Inflater inflater(source);
  z_stream& z = inflater.stream();
  std::size_t consumed = 0;
  while (consumed < compressed.size()) {
    if (!is_gzip(compressed.substr(consumed))) {
      throw DataError(
          fmt::format("{}: {} bytes after the end of the gzip data at compressed byte {} that are not "
                      "gzip; expected one gzip file (or concatenated gzip members)",
                      source, compressed.size() - consumed, consumed));
    }
    inflater.reset();
    int status = Z_OK;
    while (status != Z_STREAM_END) {
      // Never more room than one byte past the cap: a decompression bomb costs at most the cap.
      if (out.size() == out.capacity()) grow(std::min<std::uint64_t>(2 * out.capacity(), max_bytes + 1));
      const std::size_t in_left = compressed.size() - consumed;
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + consumed));
      z.avail_in = static_cast<uInt>(std::min<std::size_t>(in_left, std::numeric_limits<uInt>::max()));
      z.next_out = reinterpret_cast<Bytef*>(out.tail());
      const std::uint64_t room = std::min<std::uint64_t>(out.capacity() - out.size(), max_bytes + 1 - out.size());
      z.avail_out = static_cast<uInt>(std::min<std::uint64_t>(room, std::numeric_limits<uInt>::max()));
      const uInt in_before = z.avail_in, out_before = z.avail_out;
      status = inflate(&z, Z_NO_FLUSH);
      consumed += in_before - z.avail_in;
      out.extend(out_before - z.avail_out);
      if (status == Z_DATA_ERROR || status == Z_NEED_DICT) corrupt(source, consumed, z.msg);
      if (status == Z_MEM_ERROR) throw DataError(fmt::format("{}: out of memory while decompressing it", source));
      if (out.size() > max_bytes) {
        throw DataError(
            fmt::format("{}: more than {} bytes once decompressed, decompression stopped there; the limit "
                        "for CSV files is {}",
                        source, max_bytes, byte_size_text(max_bytes)));
      }
      // No progress with input left and room to write, or the input used up before the member's end.
      if (status == Z_BUF_ERROR || (status == Z_OK && consumed == compressed.size() && z.avail_out > 0)) {
        throw DataError(
            fmt::format("{}: the gzip stream ends early, after {} compressed bytes ({} bytes "
                        "decompressed); expected a complete gzip file (a truncated download or copy?)",
                        source, compressed.size(), out.size()));
      }
    }
  }
  return out;
}

}  // namespace lrtune
