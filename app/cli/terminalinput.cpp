#include "terminalinput.h"

#include <QByteArray>

#include <array>
#include <csignal>
#include <cstdio>
#include <optional>

#ifdef Q_OS_UNIX
#include <poll.h>
#include <termios.h>
#include <unistd.h>
#elif defined(Q_OS_WIN)
#include <io.h>
#include <qt_windows.h>
#endif

namespace pgha::cli {

namespace {

// A line longer than this is no answer and no password: the rest of it is read and dropped.
constexpr qsizetype kMaxLineBytes = 64 * 1024;

#ifdef Q_OS_UNIX
// Signals that end the program while a secret is typed; each must give the terminal back.
constexpr std::array<int, 4> kEndingSignals{SIGINT, SIGTERM, SIGHUP, SIGQUIT};

// Read by the handler, so plain globals: the settings to put back, and whether they are due.
termios g_savedTerminal;
volatile sig_atomic_t g_echoIsOff = 0;

void restoreTerminalThenEnd(int signal)
{
    if (g_echoIsOff)
        ::tcsetattr(STDIN_FILENO, TCSANOW, &g_savedTerminal);   // async-signal-safe
    // SA_RESETHAND made the default action current again: the signal, pending until this
    // handler returns, then ends the program as it would have without us.
    ::raise(signal);
}
#endif

// The line as it is, without its line end; nullopt at end of input.
std::optional<QByteArray> readRawLine()
{
    QByteArray line;
    bool any = false;
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), static_cast<int>(buf.size()), stdin)) {
        any = true;
        const QByteArray chunk(buf.data());
        if (line.size() < kMaxLineBytes)
            line += chunk;
        if (chunk.endsWith('\n'))
            break;
    }
    if (!any)
        return std::nullopt;
    if (line.endsWith('\n'))
        line.chop(1);
    if (line.endsWith('\r'))
        line.chop(1);
    return line.left(kMaxLineBytes);
}

} // namespace

bool stdinIsTerminal()
{
#ifdef Q_OS_UNIX
    return ::isatty(STDIN_FILENO) == 1;
#elif defined(Q_OS_WIN)
    return ::_isatty(::_fileno(stdin)) != 0;
#else
    return false;
#endif
}

QString readAnswerLine()
{
    return QString::fromLocal8Bit(readRawLine().value_or(QByteArray())).trimmed();
}

#ifdef Q_OS_UNIX
QString readSecretLine(bool *ok, int pipeWaitMs)
{
    termios saved{};
    if (!stdinIsTerminal() || ::tcgetattr(STDIN_FILENO, &saved) != 0) {
        // A pipe nobody writes to would otherwise hold the command forever.
        pollfd in{STDIN_FILENO, POLLIN, 0};
        if (pipeWaitMs >= 0 && ::poll(&in, 1, pipeWaitMs) <= 0) {
            if (ok)
                *ok = false;
            return {};
        }
        const auto line = readRawLine();
        if (ok)
            *ok = line.has_value();
        return QString::fromLocal8Bit(line.value_or(QByteArray()));
    }
    g_savedTerminal = saved;
    struct sigaction restoring{};
    restoring.sa_handler = restoreTerminalThenEnd;
    restoring.sa_flags = SA_RESETHAND;
    sigemptyset(&restoring.sa_mask);
    std::array<struct sigaction, kEndingSignals.size()> previous{};
    for (std::size_t i = 0; i < kEndingSignals.size(); ++i)
        ::sigaction(kEndingSignals[i], &restoring, &previous[i]);

    termios quiet = saved;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    quiet.c_lflag |= ECHONL;   // Enter still moves to the next line
    g_echoIsOff = 1;
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    const auto line = readRawLine();
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    g_echoIsOff = 0;
    for (std::size_t i = 0; i < kEndingSignals.size(); ++i)
        ::sigaction(kEndingSignals[i], &previous[i], nullptr);

    if (ok)
        *ok = line.has_value();
    return QString::fromLocal8Bit(line.value_or(QByteArray()));
}

#else
// Without termios and POSIX signals: on a Windows console echo is switched off through the
// console's input mode; a pipe is read without the wait limit (a pipe cannot be poll()ed here).
QString readSecretLine(bool *ok, int pipeWaitMs)
{
    Q_UNUSED(pipeWaitMs)
#ifdef Q_OS_WIN
    const HANDLE in = ::GetStdHandle(STD_INPUT_HANDLE);
    DWORD mode = 0;
    const bool console = stdinIsTerminal() && ::GetConsoleMode(in, &mode);
    if (console)
        ::SetConsoleMode(in, mode & ~DWORD(ENABLE_ECHO_INPUT));
#endif
    const auto line = readRawLine();
#ifdef Q_OS_WIN
    if (console) {
        ::SetConsoleMode(in, mode);
        std::fputc('\n', stderr);   // Enter was not echoed either
    }
#endif
    if (ok)
        *ok = line.has_value();
    return QString::fromLocal8Bit(line.value_or(QByteArray()));
}
#endif

} // namespace pgha::cli
