// Errors that the library returns instead of throwing, and the exit codes
// they map to (ARCHITECTURE.md §4).
#pragma once

#include <expected>
#include <fmt/format.h>
#include <string>

namespace mlci {

// The exit code a command ends with. The numbers are a public contract.
enum class Exit : int {
    ok = 0,      // done and passed
    gate = 1,    // done, but a gate failed (tests, criteria, drift, changes)
    usage = 2,   // bad flag, malformed file, unknown reference
    runtime = 3, // environment or runtime failure (I/O, network, command missing)
};

struct Error {
    Exit code = Exit::runtime;
    std::string message; // git style: what is wrong first, lowercase, no full stop
};

template <typename T>
using Result = std::expected<T, Error>;

// A Result without a value.
using Status = std::expected<void, Error>;

template <typename... Args>
std::unexpected<Error> usage_error(fmt::format_string<Args...> f, Args&&... args) {
    return std::unexpected(Error{Exit::usage, fmt::format(f, std::forward<Args>(args)...)});
}

template <typename... Args>
std::unexpected<Error> runtime_error(fmt::format_string<Args...> f, Args&&... args) {
    return std::unexpected(Error{Exit::runtime, fmt::format(f, std::forward<Args>(args)...)});
}

// A runtime error for a failed system call: the message, then strerror(errno).
std::unexpected<Error> sys_error(int err, std::string what);

// Thrown only where a Result cannot travel (callbacks, constructors) and
// caught by cmd/main.cpp, which prints it like any other error.
struct Failure : std::exception {
    Error error;
    explicit Failure(Error e) : error(std::move(e)) {}
    const char* what() const noexcept override { return error.message.c_str(); }
};

// Returns the value of a Result or throws its error as a Failure.
template <typename T>
T value_or_throw(Result<T> r) {
    if (!r)
        throw Failure(std::move(r.error()));
    if constexpr (!std::is_void_v<T>)
        return std::move(*r);
}

} // namespace mlci

// Propagates the error of an expression returning Result/Status, like Rust's `?`.
#define MLCI_TRY(expr)                                                                             \
    do {                                                                                           \
        if (auto mlci_try_r = (expr); !mlci_try_r)                                                 \
            return std::unexpected(std::move(mlci_try_r.error()));                                 \
    } while (0)

// Declares `var` from the value of a Result expression, or returns its error.
#define MLCI_TRY_ASSIGN(var, expr)                                                                 \
    auto var##_result_ = (expr);                                                                   \
    if (!var##_result_)                                                                            \
        return std::unexpected(std::move(var##_result_.error()));                                  \
    auto var = std::move(*var##_result_)
