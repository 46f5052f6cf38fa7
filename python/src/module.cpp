// The _lrtune extension module: its version and the parts each file binds. The Python API
// (keyword arguments, result classes) is python/lrtune/__init__.py's, over these functions.
#include <pybind11/pybind11.h>

#include "binding.hpp"
#include "lrtune/core/build_info.hpp"

PYBIND11_MODULE(_lrtune, m) {
  namespace py = pybind11;
  m.doc() = "lrtune's C++ library; use the lrtune package";
  // The linked library's own version, so a stale module shows it.
  m.attr("__version__") = std::string(lrtune::build_info().version);
  lrtune::python::bind_errors(m);
  lrtune::python::bind_finder(m);
  lrtune::python::bind_experiment(m);
  lrtune::python::bind_model(m);
  lrtune::python::bind_search(m);
}
