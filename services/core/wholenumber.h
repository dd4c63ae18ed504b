#pragma once

#include <QString>

#include <cmath>
#include <limits>
#include <optional>
#include <type_traits>
#include <utility>

namespace pgha::svc {

// A number from another system (a JSON number, a SQL value as text) as a whole number of type
// T. Casting a double outside T's range (1e308, -1e308, 9.3e18 for qint64), or NaN or ±inf, to
// an integer is undefined behaviour; those are refused here (nullopt) instead, and so is a
// fraction (truncated: 2.9 → 2, as Patroni's and etcd's own readers do).
template <typename T>
std::optional<T> wholeNumber(double d)
{
    static_assert(std::is_integral_v<T>, "wholeNumber converts to integers only");
    if (!std::isfinite(d))
        return std::nullopt;
    const double t = std::trunc(d);
    // Both bounds are exact powers of two as doubles: min() is -2^(N-1) (or 0), and max() + 1
    // is 2^N or 2^(N-1); the upper bound is exclusive because max() itself rounds up to it.
    constexpr double kLow = static_cast<double>(std::numeric_limits<T>::min());
    constexpr double kHighExclusive = (static_cast<double>(std::numeric_limits<T>::max() / 2) + 1.0) * 2.0;
    if (t < kLow || t >= kHighExclusive)
        return std::nullopt;
    return static_cast<T>(t);
}

// The same for numeric text: an integer literal is read exactly (no detour through double, so
// 9007199254740993 stays itself); anything else goes through wholeNumber(double).
template <typename T>
std::optional<T> wholeNumber(const QString &text)
{
    static_assert(std::is_integral_v<T>, "wholeNumber converts to integers only");
    bool ok = false;
    if constexpr (std::is_signed_v<T>) {
        const qlonglong n = text.toLongLong(&ok);
        if (ok)
            return std::in_range<T>(n) ? std::optional<T>(static_cast<T>(n)) : std::nullopt;
    } else {
        const qulonglong n = text.toULongLong(&ok);
        if (ok)
            return std::in_range<T>(n) ? std::optional<T>(static_cast<T>(n)) : std::nullopt;
    }
    const double d = text.toDouble(&ok);
    return ok ? wholeNumber<T>(d) : std::nullopt;
}

} // namespace pgha::svc
