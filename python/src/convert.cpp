// JSON values (the library's result forms, the same the CLI writes) as Python objects; the
// package turns their number lists into NumPy arrays.
#include <cstdint>
#include <string>

#include "binding.hpp"

namespace lrtune::python {

py::object to_python(const nlohmann::json& json) {
  using Type = nlohmann::json::value_t;
  switch (json.type()) {
    case Type::boolean: return py::bool_(json.get<bool>());
    case Type::number_integer: return py::int_(json.get<std::int64_t>());
    case Type::number_unsigned: return py::int_(json.get<std::uint64_t>());
    case Type::number_float: return py::float_(json.get<double>());
    case Type::string: return py::str(json.get_ref<const std::string&>());
    case Type::array: {
      py::list list;
      for (const auto& item : json) list.append(to_python(item));
      return list;
    }
    case Type::object: {
      py::dict dict;
      for (const auto& [key, value] : json.items()) dict[py::str(key)] = to_python(value);
      return dict;
    }
    default:  // null, discarded, binary: none appears in the library's result forms but null
      return py::none();
  }
}

}  // namespace lrtune::python
