#pragma once
// Errors are values: a failed operation returns an Error that names the sample, file or tensor at
// fault, so callers (CLI, UI, jobs) can report it and go on instead of unwinding through threads.
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace ost {

struct Error {
    std::string message;
};

template <class T>
class Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(Error error) : m_v(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_v); }
    explicit operator bool() const { return ok(); }
    T &value() { return std::get<T>(m_v); }
    const T &value() const { return std::get<T>(m_v); }
    T &operator*() { return value(); }
    T *operator->() { return &value(); }
    const Error &error() const { return std::get<Error>(m_v); }
    T takeValue() { return std::move(std::get<T>(m_v)); }

private:
    std::variant<T, Error> m_v;
};

// For operations that return nothing but can fail.
class Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace ost
