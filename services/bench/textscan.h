#pragma once

// Strict number reading for pgbench's output and logs. pgbench prints with printf, so a field is
// either exactly what printf makes or it is not ours: no signs, no exponents, no spaces, no
// locale. std::from_chars is used because it reports overflow instead of saturating or, as a
// cast from double would, invoking undefined behaviour (see core/wholenumber.h).
#include <QtGlobal>

#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

namespace pgha::svc::textscan {

// No figure pgbench prints (seconds since 1970, tps, milliseconds) comes near this; anything
// above it is garbage, and refusing it keeps later sums and products far from overflow.
inline constexpr double kMaxDecimal = 1e15;

inline bool isDigit(char c) { return c >= '0' && c <= '9'; }

// "0", "42", "9223372036854775807"; nullopt for "", "-1", "+1", "1.0", "1e3", overflow.
inline std::optional<qint64> parseCount(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    for (const char c : s)
        if (!isDigit(c))
            return std::nullopt;
    qint64 v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return v;
}

// printf's "%.3f": digits, optionally a dot and digits. A leading '-' only when allowNegative.
inline std::optional<double> parseDecimal(std::string_view s, bool allowNegative = false)
{
    std::string_view body = s;
    if (allowNegative && !body.empty() && body.front() == '-')
        body.remove_prefix(1);
    if (body.empty() || !isDigit(body.front()) || !isDigit(body.back()))
        return std::nullopt;
    bool dot = false;
    for (const char c : body) {
        if (c == '.') {
            if (dot)
                return std::nullopt;
            dot = true;
        } else if (!isDigit(c)) {
            return std::nullopt;
        }
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
    if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) || std::fabs(v) > kMaxDecimal)
        return std::nullopt;
    return v;
}

// The number of digits after the dot ("1.0" → 1, "1733150000.123" → 3, "5" → 0).
inline int fractionDigits(std::string_view s)
{
    const auto dot = s.find('.');
    return dot == std::string_view::npos ? 0 : static_cast<int>(s.size() - dot - 1);
}

inline std::string_view trimmed(std::string_view s)
{
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

// Takes the text up to `sep` off the front of `s` (all of it when `sep` is absent).
inline std::string_view takeUntil(std::string_view &s, std::string_view sep)
{
    const auto at = s.find(sep);
    const std::string_view head = s.substr(0, at);
    s = at == std::string_view::npos ? std::string_view() : s.substr(at + sep.size());
    return head;
}

inline bool consumePrefix(std::string_view &s, std::string_view prefix)
{
    if (s.substr(0, prefix.size()) != prefix)
        return false;
    s.remove_prefix(prefix.size());
    return true;
}

inline bool consumeSuffix(std::string_view &s, std::string_view suffix)
{
    if (s.size() < suffix.size() || s.substr(s.size() - suffix.size()) != suffix)
        return false;
    s.remove_suffix(suffix.size());
    return true;
}

} // namespace pgha::svc::textscan
