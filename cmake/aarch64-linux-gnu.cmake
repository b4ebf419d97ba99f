# Cross build for aarch64 Linux on a Debian x86_64 host:
#   cmake --preset aarch64   (or -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake)
# Needs gcc-aarch64-linux-gnu, qemu-user, and with `dpkg --add-architecture
# arm64`: libc6:arm64 and the :arm64 -dev packages (multiarch, in
# /usr/lib/aarch64-linux-gnu).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)

# Plain qemu-aarch64, no `-L /usr/aarch64-linux-gnu`: the multiarch libc6:arm64
# provides /lib/ld-linux-aarch64.so.1, while under Debian 12's qemu 7.2 the
# cross sysroot's libc hangs pthread_create.
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64)

# Libraries and headers: the cross compiler's own sysroot, then the multiarch
# :arm64 packages under / (lib/aarch64-linux-gnu via CMAKE_LIBRARY_ARCHITECTURE).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The cross linker does not search the multiarch directories by itself; it
# needs them to resolve the DT_NEEDED of e.g. libelf.so (libz.so.1).
set(_xs_multiarch "/usr/lib/aarch64-linux-gnu:/lib/aarch64-linux-gnu")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_xs_multiarch}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_xs_multiarch}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_xs_multiarch}")

# pkg-config answers for arm64, not for the build machine.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
