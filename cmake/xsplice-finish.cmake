# Deferred to the end of the top-level CMakeLists.txt (cmake_language(DEFER)),
# after the tools+glue block has defined its targets: install rules, the
# exported CMake package, pkg-config files, and the tests.

include(CMakePackageConfigHelpers)

# Every target defined anywhere in the tree.
function(_xs_all_targets out dir)
  get_property(_t DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(_subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(_d IN LISTS _subdirs)
    _xs_all_targets(_sub ${_d})
    list(APPEND _t ${_sub})
  endforeach()
  set(${out} ${_t} PARENT_SCOPE)
endfunction()

# The tools+glue block owns the POSIX glue library and the CLI; find them by
# what they produce so this file does not depend on their target names:
# the glue is the library named xsplice-posix / xsplice_posix, the CLI is the
# executable whose output name is `xsplice` (or named xsplice-cli/-tool).
_xs_all_targets(_xs_targets ${PROJECT_SOURCE_DIR})
set(XS_POSIX_TARGET "")
set(XS_CLI_TARGET "")
foreach(_t IN LISTS _xs_targets)
  get_target_property(_type ${_t} TYPE)
  get_target_property(_out ${_t} OUTPUT_NAME)
  if(NOT _out)
    set(_out ${_t})
  endif()
  if(_type STREQUAL "STATIC_LIBRARY" AND NOT XS_POSIX_TARGET
     AND (_out MATCHES "^xsplice[-_](glue[-_])?posix$"))
    set(XS_POSIX_TARGET ${_t})
  elseif(_type STREQUAL "EXECUTABLE" AND NOT XS_CLI_TARGET
     AND (_out STREQUAL "xsplice" OR _t MATCHES "^xsplice[-_](cli|tool|bin|exe)$"))
    set(XS_CLI_TARGET ${_t})
  endif()
endforeach()

# `xsplice run` resolves libc's data (stdout, stderr, environ) with dlsym.
# Code compiled -fPIE references extern data directly, so the linker gives
# the executable R_X86_64_COPY copies of them near the executable, and dlsym
# returns those - beyond rel32 reach of regions placed near the libraries.
# -fPIC (GOT accesses) for everything linked into the CLI leaves no copies.
# The glue library is also usable from shared objects that way.
foreach(_t IN ITEMS ${XS_CLI_TARGET} ${XS_POSIX_TARGET})
  target_compile_options(${_t} PRIVATE -fPIC)
endforeach()

set(_xs_export_targets xsplice)
set(XS_CONFIG_DEPENDENCIES "")
if(XS_POSIX_TARGET)
  set_target_properties(${XS_POSIX_TARGET} PROPERTIES
    OUTPUT_NAME xsplice-posix EXPORT_NAME posix)
  if(NOT TARGET xsplice::posix)
    add_library(xsplice::posix ALIAS ${XS_POSIX_TARGET})
  endif()
  # An include directory inside the source tree cannot be exported; keep it
  # for the build only (installed consumers get include/ from xsplice).
  get_target_property(_inc ${XS_POSIX_TARGET} INTERFACE_INCLUDE_DIRECTORIES)
  if(_inc)
    set(_fixed "")
    foreach(_i IN LISTS _inc)
      if(_i MATCHES "^(${PROJECT_SOURCE_DIR}|${PROJECT_BINARY_DIR})")
        list(APPEND _fixed "$<BUILD_INTERFACE:${_i}>")
      else()
        list(APPEND _fixed "${_i}")
      endif()
    endforeach()
    set_target_properties(${XS_POSIX_TARGET} PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${_fixed}")
  endif()
  get_target_property(_libs ${XS_POSIX_TARGET} INTERFACE_LINK_LIBRARIES)
  if(_libs MATCHES "Threads::Threads")
    string(APPEND XS_CONFIG_DEPENDENCIES "find_dependency(Threads)\n")
  endif()
  list(APPEND _xs_export_targets ${XS_POSIX_TARGET})
else()
  message(WARNING "xsplice: no POSIX glue library target (xsplice-posix) found")
endif()

install(TARGETS ${_xs_export_targets} EXPORT xspliceTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
if(XS_CLI_TARGET)
  install(TARGETS ${XS_CLI_TARGET} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
else()
  message(WARNING "xsplice: no CLI executable target (output name xsplice) found")
endif()
# Public headers only: include/xsplice/ is the whole host-visible surface.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/xsplice
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  FILES_MATCHING PATTERN "*.h")

set(XS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/xsplice)
install(EXPORT xspliceTargets NAMESPACE xsplice::
  DESTINATION ${XS_CMAKE_DIR} FILE xspliceTargets.cmake)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/xspliceConfig.cmake.in
  ${PROJECT_BINARY_DIR}/xspliceConfig.cmake
  INSTALL_DESTINATION ${XS_CMAKE_DIR})
# 0.x: minor versions may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/xspliceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/xspliceConfig.cmake
  ${PROJECT_BINARY_DIR}/xspliceConfigVersion.cmake
  DESTINATION ${XS_CMAKE_DIR})

# pkg-config files find the prefix relative to themselves, so an installed
# tree can be moved.
file(RELATIVE_PATH XS_PC_PREFIX_REL
  /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
string(REGEX REPLACE "/$" "" XS_PC_PREFIX_REL "${XS_PC_PREFIX_REL}")
foreach(_pc xsplice xsplice-posix)
  if(_pc STREQUAL "xsplice-posix" AND NOT XS_POSIX_TARGET)
    continue()
  endif()
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${_pc}.pc.in
    ${PROJECT_BINARY_DIR}/${_pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${_pc}.pc
    DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
