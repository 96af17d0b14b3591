# Cross-compiles npsdiag for Windows x64 with Debian's mingw-w64 (docs/windows.md):
#   cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake -DNPSDIAG_WIN_ROOT=DIR
# where DIR is the dependency root tools/win-deps.sh prints. The program is linked statically (one
# npsdiag.exe: the libraries, libgcc and winpthreads inside), and pkg-config is asked for the static
# link lines of the libraries.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_CROSSCOMPILING_EMULATOR /usr/lib/wine/wine64)

# try_compile projects see this file too: pass the root on through the environment.
if(NPSDIAG_WIN_ROOT)
  set(ENV{NPSDIAG_WIN_ROOT} "${NPSDIAG_WIN_ROOT}")
else()
  set(NPSDIAG_WIN_ROOT "$ENV{NPSDIAG_WIN_ROOT}")
endif()
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${NPSDIAG_WIN_ROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(ENV{PKG_CONFIG_LIBDIR} "${NPSDIAG_WIN_ROOT}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "")
set(PKG_CONFIG_ARGN --static)

# Static archives name their own dependencies (-lz, -lbcrypt...) in the .pc files' private lines; they
# are all under the root.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -L${NPSDIAG_WIN_ROOT}/lib")
