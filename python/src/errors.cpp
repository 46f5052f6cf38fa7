// The library's errors as Python exceptions, by kind (never by text), with the same one-line
// message the CLI prints: usage and data -> ValueError, files -> OSError, a diverged training
// -> ArithmeticError. Each is an lrtune.Error too, so `except lrtune.Error` catches them all.
#include <Python.h>

#include "binding.hpp"
#include "lrtune/core/error.hpp"

namespace lrtune::python {
namespace {

// A new exception class lrtune.NAME deriving from lrtune.Error and `builtin`.
PyObject* new_error(py::module_& m, const char* name, PyObject* base, PyObject* builtin) {
  const std::string qualified = std::string("lrtune.") + name;
  py::tuple bases = py::make_tuple(py::handle(base), py::handle(builtin));
  PyObject* type = PyErr_NewException(qualified.c_str(), bases.ptr(), nullptr);
  if (!type) throw py::error_already_set();
  m.add_object(name, py::handle(type));  // the module holds a reference for the process's life
  return type;
}

}  // namespace

void bind_errors(py::module_& m) {
  PyObject* base = PyErr_NewException("lrtune.Error", PyExc_Exception, nullptr);
  if (!base) throw py::error_already_set();
  m.add_object("Error", py::handle(base));
  static PyObject* usage = new_error(m, "UsageError", base, PyExc_ValueError);
  static PyObject* data = new_error(m, "DataError", base, PyExc_ValueError);
  static PyObject* io = new_error(m, "IoError", base, PyExc_OSError);
  static PyObject* numeric = new_error(m, "NumericError", base, PyExc_ArithmeticError);
  // By value: pybind11's translator is a `void (*)(std::exception_ptr)`.
  py::register_exception_translator([](std::exception_ptr error) {  // NOLINT(performance-unnecessary-value-param)
    try {
      if (error) std::rethrow_exception(error);
    } catch (const Error& e) {
      PyObject* type = e.kind() == ErrorKind::usage  ? usage
                       : e.kind() == ErrorKind::data ? data
                       : e.kind() == ErrorKind::io   ? io
                                                     : numeric;
      PyErr_SetString(type, e.what());
    }
  });
}

}  // namespace lrtune::python
