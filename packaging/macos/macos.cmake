# macOS: pgha-console.app — Info.plist, icon, and the CLI `pgha` inside the bundle — made
# self-contained by macdeployqt at install time, and packed by CPack into a drag-and-drop .dmg.
# Included from packaging/CMakeLists.txt when APPLE. Not built here (Debian): the macOS CI
# workflow (.github/workflows/macos.yml) is where this runs.

set(PGHA_MACOS_BUNDLE "pgha-console.app")
if(CMAKE_OSX_DEPLOYMENT_TARGET)
  set(_pgha_macos_minimum "${CMAKE_OSX_DEPLOYMENT_TARGET}")
else()
  set(_pgha_macos_minimum "11.0")   # the oldest macOS any Qt 6.4+ supports
endif()
set(PGHA_MACOS_MINIMUM "${_pgha_macos_minimum}" CACHE STRING
    "LSMinimumSystemVersion of the bundle: the macOS the Qt and Homebrew libraries were built for")
# "-" signs ad hoc (Apple silicon refuses to run a binary whose signature macdeployqt broke);
# a "Developer ID Application: …" identity signs for distribution; empty skips signing.
set(PGHA_MACOS_CODESIGN_IDENTITY "-" CACHE STRING "codesign identity for the bundle (- : ad hoc)")

# The icon, generated from resources/icons/pgha.svg by packaging/make-icons.sh.
set(_pgha_icns "${CMAKE_CURRENT_LIST_DIR}/pgha.icns")
target_sources(pgha-console PRIVATE "${_pgha_icns}")
set_source_files_properties("${_pgha_icns}" TARGET_DIRECTORY pgha-console
                            PROPERTIES MACOSX_PACKAGE_LOCATION Resources)
set_target_properties(pgha-console PROPERTIES
  MACOSX_BUNDLE_INFO_PLIST "${CMAKE_CURRENT_LIST_DIR}/Info.plist.in"
  MACOSX_BUNDLE_GUI_IDENTIFIER "io.github.pgha.console"
  MACOSX_BUNDLE_BUNDLE_NAME "PG HA Console"
  MACOSX_BUNDLE_BUNDLE_VERSION "${PROJECT_VERSION}"
  MACOSX_BUNDLE_SHORT_VERSION_STRING "${PROJECT_VERSION}"
  MACOSX_BUNDLE_COPYRIGHT "PG HA Console developers"
  MACOSX_BUNDLE_ICON_FILE "pgha.icns"
  INSTALL_RPATH "@executable_path/../Frameworks")

# The CLI lives beside the GUI's executable in Contents/MacOS, so it uses the same deployed
# frameworks; `ln -s /Applications/pgha-console.app/Contents/MacOS/pgha /usr/local/bin/pgha`
# puts it on PATH (docs/packaging.md). app/gui/CMakeLists.txt skips bin/ for it on macOS.
set_target_properties(pgha PROPERTIES INSTALL_RPATH "@executable_path/../Frameworks")
install(TARGETS pgha RUNTIME DESTINATION "${PGHA_MACOS_BUNDLE}/Contents/MacOS")

# macdeployqt copies Qt's frameworks and plugins and every non-system library (Homebrew's libpq,
# yaml-cpp, qtkeychain, OpenSSL …) into the bundle and rewrites both executables to use them.
# qt_generate_deploy_app_script() (Qt ≥ 6.3) deploys one executable per bundle, and the CLI must
# be rewritten too (macdeployqt -executable=): so Qt's deploy API is called directly — through
# qt_generate_deploy_script() from Qt 6.5, or, in Qt 6.3/6.4 (Debian's 6.4 has no such command),
# by the same two lines qt_generate_deploy_app_script() writes there.
set(_pgha_deployed_cli "${PGHA_MACOS_BUNDLE}/Contents/MacOS/pgha")
set(_pgha_deploy_call "qt6_deploy_runtime_dependencies(EXECUTABLE \"${PGHA_MACOS_BUNDLE}\"
                                ADDITIONAL_EXECUTABLES \"${_pgha_deployed_cli}\")")
if(COMMAND qt_generate_deploy_script)
  qt_generate_deploy_script(TARGET pgha-console OUTPUT_SCRIPT _pgha_deploy_script CONTENT "${_pgha_deploy_call}")
  install(SCRIPT "${_pgha_deploy_script}")
elseif(COMMAND qt_generate_deploy_app_script AND QT_DEPLOY_SUPPORT)
  file(GENERATE OUTPUT "${CMAKE_CURRENT_BINARY_DIR}/deploy-macos-$<CONFIG>.cmake"
       CONTENT "include(\"${QT_DEPLOY_SUPPORT}\")\n${_pgha_deploy_call}\n")
  install(SCRIPT "${CMAKE_CURRENT_BINARY_DIR}/deploy-macos-$<CONFIG>.cmake")
else()
  # Fallback without Qt's deploy API: macdeployqt from Qt's bin directory, called directly.
  find_program(PGHA_MACDEPLOYQT macdeployqt HINTS "${QT6_INSTALL_PREFIX}/${QT6_INSTALL_BINS}")
  if(PGHA_MACDEPLOYQT)
    install(CODE "
set(_prefix \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
execute_process(COMMAND \"${PGHA_MACDEPLOYQT}\" \"\${_prefix}/${PGHA_MACOS_BUNDLE}\"
                        \"-executable=\${_prefix}/${_pgha_deployed_cli}\" -always-overwrite
                COMMAND_ERROR_IS_FATAL ANY)
")
  else()
    message(WARNING "macdeployqt not found (Qt's bin directory): the .dmg's bundle will only "
                    "run where Qt and the libraries are installed as on this machine. Install "
                    "Qt's tools or pass -DPGHA_MACDEPLOYQT=/path/to/macdeployqt.")
  endif()
endif()

if(PGHA_MACOS_CODESIGN_IDENTITY)
  # After macdeployqt: it rewrote the binaries, which breaks the linker's ad hoc signatures.
  install(CODE "
execute_process(COMMAND codesign --force --deep --sign \"${PGHA_MACOS_CODESIGN_IDENTITY}\"
                        \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${PGHA_MACOS_BUNDLE}\"
                COMMAND_ERROR_IS_FATAL ANY)
")
endif()

# `cpack -G DragNDrop` (the default here): the bundle and a link to /Applications in one .dmg.
set(CPACK_GENERATOR "DragNDrop")
set(CPACK_DMG_VOLUME_NAME "PG HA Console ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT "UDZO")
set(CPACK_PACKAGE_ICON "${_pgha_icns}")
set(CPACK_PACKAGE_FILE_NAME "pgha-console-${PROJECT_VERSION}-macos-${CMAKE_SYSTEM_PROCESSOR}")
