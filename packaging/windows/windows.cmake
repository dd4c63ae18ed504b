# Windows: the icon and version resource of both .exe files, windeployqt and the other DLLs beside
# them in bin\, and an NSIS installer (Start-menu entry, uninstaller) plus a ZIP through CPack.
# Included from packaging/CMakeLists.txt when WIN32. Not built here (Debian): the Windows CI
# workflow (.github/workflows/windows.yml) is where this runs.
#
# pgha-console is WIN32_EXECUTABLE (app/gui/CMakeLists.txt: no console window; Qt links its
# WinMain entry point); pgha stays a console program.

# The icon (generated from resources/icons/pgha.svg by packaging/make-icons.sh) and a version
# resource, one .rc per program. MSVC and MinGW enable CMake's RC language with C++.
set(PGHA_RC_ICON "${CMAKE_CURRENT_LIST_DIR}/pgha.ico")
foreach(_pgha_exe IN ITEMS pgha-console pgha)
  set(PGHA_RC_NAME "${_pgha_exe}")
  if(_pgha_exe STREQUAL "pgha")
    set(PGHA_RC_DESCRIPTION "PG HA Console command line")
  else()
    set(PGHA_RC_DESCRIPTION "PG HA Console")
  endif()
  configure_file("${CMAKE_CURRENT_LIST_DIR}/version.rc.in" "${CMAKE_CURRENT_BINARY_DIR}/${_pgha_exe}.rc" @ONLY)
  target_sources(${_pgha_exe} PRIVATE "${CMAKE_CURRENT_BINARY_DIR}/${_pgha_exe}.rc")
endforeach()

# windeployqt puts Qt's DLLs and plugins (platforms, styles, TLS, image formats) beside the GUI
# in bin\, with a qt.conf; the CLI in the same directory uses a subset of them.
if(COMMAND qt_generate_deploy_app_script)   # Qt ≥ 6.3
  if(COMMAND qt_generate_deploy_script)       # Qt ≥ 6.5 renamed FILENAME_VARIABLE
    qt_generate_deploy_app_script(TARGET pgha-console OUTPUT_SCRIPT _pgha_deploy_script)
  else()
    qt_generate_deploy_app_script(TARGET pgha-console FILENAME_VARIABLE _pgha_deploy_script)
  endif()
  install(SCRIPT "${_pgha_deploy_script}")
else()
  find_program(PGHA_WINDEPLOYQT windeployqt HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}")
  if(PGHA_WINDEPLOYQT)
    install(CODE "
execute_process(COMMAND \"${PGHA_WINDEPLOYQT}\" --force
                        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin/pgha-console.exe\"
                COMMAND_ERROR_IS_FATAL ANY)
")
  else()
    message(WARNING "windeployqt not found (Qt's bin directory): the installer will lack Qt's "
                    "DLLs. Pass -DPGHA_WINDEPLOYQT=C:/path/to/windeployqt.exe.")
  endif()
endif()

# The DLLs windeployqt does not know: libpq (and its OpenSSL, zlib …), yaml-cpp, qtkeychain.
# Looked up where vcpkg and the prefixes keep DLLs; Qt's own are windeployqt's, Windows' stay out.
set(_pgha_dll_dirs "")
foreach(_prefix IN LISTS CMAKE_PREFIX_PATH LIBPQ_PREFIX QT6_INSTALL_PREFIX)
  string(APPEND _pgha_dll_dirs " \"${_prefix}/bin\"")
endforeach()
if(VCPKG_INSTALLED_DIR AND VCPKG_TARGET_TRIPLET)
  string(APPEND _pgha_dll_dirs " \"${VCPKG_INSTALLED_DIR}/${VCPKG_TARGET_TRIPLET}/bin\"")
endif()
install(CODE "
file(GET_RUNTIME_DEPENDENCIES
     EXECUTABLES \"$<TARGET_FILE:pgha-console>\" \"$<TARGET_FILE:pgha>\"
     DIRECTORIES ${_pgha_dll_dirs}
     PRE_EXCLUDE_REGEXES \"^api-ms-\" \"^ext-ms-\" \"^qt6(core|gui|widgets|network|charts|svg|opengl|openglwidgets|dbus)\"
     POST_EXCLUDE_REGEXES \"^[A-Za-z]:/[Ww][Ii][Nn][Dd][Oo][Ww][Ss]/\"
     RESOLVED_DEPENDENCIES_VAR _pgha_dlls
     UNRESOLVED_DEPENDENCIES_VAR _pgha_missing)
if(_pgha_missing)
  message(WARNING \"DLLs not found for the package: \${_pgha_missing}\")
endif()
file(INSTALL \${_pgha_dlls} DESTINATION \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/bin\")
")

# The Visual C++ runtime DLLs beside the programs (no separate redistributable needed).
set(CMAKE_INSTALL_SYSTEM_RUNTIME_DESTINATION bin)
include(InstallRequiredSystemLibraries)

# `cpack` here: an NSIS installer (needs makensis on PATH) and a ZIP to unpack anywhere.
set(CPACK_GENERATOR "NSIS;ZIP")
set(CPACK_PACKAGE_FILE_NAME "pgha-console-${PROJECT_VERSION}-windows-x64")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "PG HA Console")
set(CPACK_PACKAGE_EXECUTABLES "pgha-console;PG HA Console")   # the Start-menu entry
set(CPACK_NSIS_DISPLAY_NAME "PG HA Console ${PROJECT_VERSION}")
set(CPACK_NSIS_PACKAGE_NAME "PG HA Console")
set(CPACK_NSIS_INSTALL_ROOT "$PROGRAMFILES64")
set(CPACK_NSIS_MUI_ICON "${PGHA_RC_ICON}")
set(CPACK_NSIS_MUI_UNIICON "${PGHA_RC_ICON}")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\\\pgha-console.exe")
set(CPACK_NSIS_MUI_FINISHPAGE_RUN "pgha-console.exe")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
# PATH is left alone: NSIS's default string limit (1024) can cut a long PATH when it edits it.
# The CLI is bin\pgha.exe under the install directory (docs/packaging.md).
set(CPACK_NSIS_MODIFY_PATH OFF)
if(EXISTS "${PROJECT_SOURCE_DIR}/LICENSE")
  # NSIS shows it; WiX accepts only .txt or .rtf.
  configure_file("${PROJECT_SOURCE_DIR}/LICENSE" "${CMAKE_CURRENT_BINARY_DIR}/LICENSE.txt" COPYONLY)
  set(CPACK_RESOURCE_FILE_LICENSE "${CMAKE_CURRENT_BINARY_DIR}/LICENSE.txt")
endif()
# `cpack -G WIX` makes an .msi instead (WiX Toolset 3 on PATH; not tried in CI). The upgrade
# code must never change, or Windows installs a new version beside the old one.
set(CPACK_WIX_UPGRADE_GUID "44319DE5-AF65-410B-AEB2-10E8A9F66BEF")
set(CPACK_WIX_PRODUCT_ICON "${PGHA_RC_ICON}")
