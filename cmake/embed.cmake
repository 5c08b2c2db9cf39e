# devenv_embed(OUT BASE dir DIRS d1 d2 ...): writes a C++ file holding every file below the
# given folders as (relative path, bytes). Hex-encoded so no file content can break the literal.
function(devenv_embed out)
  cmake_parse_arguments(E "" "BASE" "DIRS" ${ARGN})
  set(_files)
  foreach(d IN LISTS E_DIRS)
    file(GLOB_RECURSE _f CONFIGURE_DEPENDS RELATIVE ${E_BASE} ${E_BASE}/${d}/*)
    list(APPEND _files ${_f})
  endforeach()
  list(SORT _files)
  set(_abs)
  foreach(f IN LISTS _files)
    list(APPEND _abs ${E_BASE}/${f})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${E_BASE} "-DFILES=${_files}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_write.cmake
    DEPENDS ${_abs} ${CMAKE_SOURCE_DIR}/cmake/embed_write.cmake
    COMMENT "Embedding templates and profiles"
    VERBATIM)
endfunction()
