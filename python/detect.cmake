# Whether the Python module can be built here: Python 3's headers and pybind11's CMake package.
# Sets LRTUNE_PYTHON_DEFAULT for the top-level option and says why when it is off.
# Debian's /usr/bin/python3 first: another python3 first on PATH may lack numpy and pytest.
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3 CACHE FILEPATH "The Python the module is built for")
endif()
find_package(Python3 COMPONENTS Interpreter Development.Module QUIET)
find_package(pybind11 CONFIG QUIET)
if(Python3_FOUND AND pybind11_FOUND)
  set(LRTUNE_PYTHON_DEFAULT ON)
else()
  set(LRTUNE_PYTHON_DEFAULT OFF)
  message(STATUS "lrtune: the Python module is off: pybind11 or Python 3's headers not found "
                 "(Debian: pybind11-dev python3-dev; bash scripts/install-deps.sh)")
endif()
