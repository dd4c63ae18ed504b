#pragma once

#include <QString>

namespace pgha::cli {

bool stdinIsTerminal();

// One line from stdin without its line end and surrounding blanks ("" at end of input): an
// answer to a question.
QString readAnswerLine();

// A secret, exactly as typed (only the line end is removed; a password may hold blanks). On a
// terminal, echo is off while it is typed and restored afterwards — also when Ctrl-C (or
// SIGTERM, SIGHUP, SIGQUIT) ends the program meanwhile, so the shell is not left blind. From a
// pipe or file, the line is read as it is and never echoed, waiting at most `pipeWaitMs` for it
// to begin (-1: as long as it takes). `ok` is false at end of input or when the wait ran out.
QString readSecretLine(bool *ok = nullptr, int pipeWaitMs = -1);

} // namespace pgha::cli
