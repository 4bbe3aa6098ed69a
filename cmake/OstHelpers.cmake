# ost_add_module(NAME DEPS ...): one static library per core/ folder, sources globbed so that adding a
# file needs no CMake edit. Modules are separate targets so that a half-written module does not stop
# the others from building.
function(ost_add_module name)
  cmake_parse_arguments(M "TORCH" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)
    set(srcs ${CMAKE_SOURCE_DIR}/core/common/empty.cpp)
  endif()
  add_library(ost_${name} STATIC ${srcs})
  target_include_directories(ost_${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(ost_${name} PUBLIC ${M_DEPS})
  set_target_properties(ost_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  if(M_TORCH)
    target_link_libraries(ost_${name} PUBLIC ${TORCH_LIBRARIES})
    # Torch headers cost ~20 s per file; one shared precompiled header pays that once per build.
    if(NOT TARGET ost_torch_pch)
      add_library(ost_torch_pch STATIC ${CMAKE_SOURCE_DIR}/core/common/empty.cpp)
      target_link_libraries(ost_torch_pch PUBLIC ${TORCH_LIBRARIES})
      set_target_properties(ost_torch_pch PROPERTIES POSITION_INDEPENDENT_CODE ON)
      target_compile_options(ost_torch_pch PRIVATE -Wno-unused-parameter)
      target_precompile_headers(ost_torch_pch PRIVATE <torch/torch.h>)
    endif()
    target_precompile_headers(ost_${name} REUSE_FROM ost_torch_pch)
    target_compile_options(ost_${name} PRIVATE -Wno-unused-parameter)
  endif()
endfunction()

# ost_add_test(tst_name SOURCES a.cpp ... LIBS ...): one Qt Test executable, registered with CTest.
function(ost_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Core Qt6::Test ${T_LIBS})
  set_target_properties(${name} PROPERTIES AUTOMOC ON RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin/tests)
  target_compile_definitions(${name} PRIVATE
    OST_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    OST_FIXTURE_DIR="${CMAKE_SOURCE_DIR}/tests/fixtures"
    OST_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  # Qt Test's own watchdog (300 s a function by default) must not fire before CTest's limit: on a
  # timeout it forks to print a stack, and OpenBLAS's fork handler then waits forever for its
  # threads (seen: a real-model test on a loaded machine hung instead of failing).
  math(EXPR qt_timeout_ms "(${T_TIMEOUT} + 60) * 1000")
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
                       ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QTEST_FUNCTION_TIMEOUT=${qt_timeout_ms}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
