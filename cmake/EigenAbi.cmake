# The Eigen settings a consumer must share with the library. Eigen types cross lrtune's public
# API, and Eigen picks its alignment (and whether it pads heap blocks itself) from the instruction
# set: a library built with -march=native on an AVX-512 machine uses 64-byte alignment, a consumer
# built without -march uses 16, and a matrix made on one side and used or freed on the other is
# then undefined behaviour. lrtune_eigen_abi() compiles cmake/eigen_abi_probe.cpp with the
# library's flags, runs it and returns the values as compile definitions for the installed target.
function(lrtune_eigen_abi out_var flags)
  set(key "${CMAKE_CXX_COMPILER};${CMAKE_CXX_FLAGS};${flags};Eigen ${Eigen3_VERSION}")
  if(DEFINED LRTUNE_EIGEN_ABI AND "${key}" STREQUAL "${LRTUNE_EIGEN_ABI_KEY}")
    set(${out_var} "${LRTUNE_EIGEN_ABI}" PARENT_SCOPE)
    return()
  endif()
  set(compile_flags ${flags})
  set(link_flags ${flags})
  list(FILTER link_flags INCLUDE REGEX "^-fsanitize")
  try_run(run_result compile_result ${CMAKE_CURRENT_BINARY_DIR}/eigen_abi_probe
    ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/eigen_abi_probe.cpp
    COMPILE_DEFINITIONS ${compile_flags}
    LINK_OPTIONS ${link_flags}
    LINK_LIBRARIES Eigen3::Eigen
    CXX_STANDARD 20
    COMPILE_OUTPUT_VARIABLE compile_output
    RUN_OUTPUT_VARIABLE definitions)
  if(NOT compile_result OR NOT run_result EQUAL 0
     OR NOT definitions MATCHES "^EIGEN_MAX_ALIGN_BYTES=[0-9]+;EIGEN_MAX_STATIC_ALIGN_BYTES=[0-9]+;EIGEN_MALLOC_ALREADY_ALIGNED=[01]$")
    message(FATAL_ERROR "lrtune: the Eigen alignment probe (cmake/eigen_abi_probe.cpp) failed "
                        "(exit ${run_result}, output '${definitions}'):\n${compile_output}")
  endif()
  set(LRTUNE_EIGEN_ABI "${definitions}" CACHE INTERNAL "Eigen settings exported to consumers")
  set(LRTUNE_EIGEN_ABI_KEY "${key}" CACHE INTERNAL "compiler and flags LRTUNE_EIGEN_ABI was probed with")
  message(STATUS "lrtune: Eigen ABI exported to consumers: ${definitions}")
  set(${out_var} "${definitions}" PARENT_SCOPE)
endfunction()
