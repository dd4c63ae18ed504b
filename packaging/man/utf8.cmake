# Marks a manual page as UTF-8 for man-db: help2man (--locale=C.UTF-8) writes the programs'
# "…" and "–" as they are, and without the mark man reads the page as Latin-1.
#   cmake -DPAGE=FILE -P utf8.cmake
file(READ "${PAGE}" _page)
string(FIND "${_page}" "coding: UTF-8" _marked)
if(_marked EQUAL -1)
  file(WRITE "${PAGE}" "'\\\" -*- coding: UTF-8 -*-\n${_page}")
endif()
