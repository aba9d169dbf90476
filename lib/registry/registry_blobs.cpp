// Blob transfers with a registry: HEAD to skip, cross-repository mount,
// monolithic PUT or resumable PATCH chunks streamed from disk, and
// downloads that resume with a Range request, and ranges of a blob (the
// chunks of a pack that a pull needs).
#include "registry_remote.hpp"

#include <cerrno>
#include <charconv>
#include <fcntl.h>
#include <mlci/core/fd.hpp>

namespace mlci::registry {

namespace {

// The offset after the last byte an upload holds, from "Range: 0-<last>";
// none when the header is missing or says nothing is there.
std::optional<uint64_t> uploaded_end(const net::HttpResponse& r) {
    auto range = r.header("range");
    auto dash = range.rfind('-');
    if (dash == std::string::npos)
        return {};
    uint64_t last = 0;
    auto tail = std::string_view(range).substr(dash + 1);
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), last);
    if (ec != std::errc())
        return {};
    // Distribution answers "0-0" for an empty upload as well as for one byte;
    // resending that byte is cheaper than guessing wrong.
    return last == 0 ? 0 : last + 1;
}

uint64_t body_size(const net::HttpRequest& body) {
    return body.file_fd >= 0 ? body.file_length : body.body.size();
}

// `body` narrowed to [offset, offset + length).
net::HttpRequest slice(const net::HttpRequest& body, uint64_t offset, uint64_t length) {
    net::HttpRequest r;
    if (body.file_fd >= 0) {
        r.file_fd = body.file_fd;
        r.file_offset = body.file_offset + offset;
        r.file_length = length;
    } else {
        r.body = body.body.substr(offset, length);
    }
    return r;
}

} // namespace

Result<std::string> RegistryRemote::start_upload(const store::Descriptor& d, bool try_mount,
                                                 TransferStats& stats) {
    auto r = net::make_request("POST", url("blobs/uploads/"));
    bool mounting = try_mount && !m_options.mount_from.empty();
    if (mounting)
        r.url += fmt::format("?mount={}&from={}", d.digest.str(),
                             net::url_encode(m_options.mount_from.front()));
    MLCI_TRY_ASSIGN(res, m_session->send(r));
    if (res.status == 201 && mounting) {
        ++stats.blobs_mounted;
        return std::string();
    }
    // A failed mount is an ordinary upload session: use it.
    if (res.status != 202)
        return std::unexpected(m_session->answer_error(res, location()));
    auto loc = res.header("location");
    if (loc.empty())
        return runtime_error("registry '{}' started an upload without a Location", m_ref.host);
    return net::resolve_location(r.url, loc);
}

Status RegistryRemote::put_blob(const store::Descriptor& d, const std::filesystem::path& file,
                                TransferStats& stats) {
    UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd)
        return sys_error(errno, fmt::format("cannot open '{}'", file.string()));
    ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
    net::HttpRequest body;
    body.file_fd = fd.get();
    body.file_length = d.size;
    return upload(d, body, stats);
}

Status RegistryRemote::put_blob_data(const store::Descriptor& d, std::string_view data,
                                     TransferStats& stats) {
    net::HttpRequest body;
    body.body = data;
    return upload(d, body, stats);
}

Status RegistryRemote::upload(const store::Descriptor& d, const net::HttpRequest& body,
                              TransferStats& stats) {
    if (body_size(body) > m_options.chunk_size)
        return upload_chunked(d, body, stats);
    return upload_whole(d, body, stats);
}

Status RegistryRemote::upload_whole(const store::Descriptor& d, const net::HttpRequest& body,
                                    TransferStats& stats) {
    for (int attempt = 1;; ++attempt) {
        MLCI_TRY_ASSIGN(loc, start_upload(d, attempt == 1, stats));
        if (loc.empty())
            return {};
        net::HttpRequest put = slice(body, 0, body_size(body));
        put.method = "PUT";
        put.url = with_query(loc, "digest=" + d.digest.str());
        put.headers.emplace_back("Content-Type: application/octet-stream");
        uint64_t sent = 0;
        put.on_sent = [&](uint64_t n) {
            sent += n;
            stats.moved(n);
        };
        auto res = m_session->send_once(put);
        bool last = attempt >= m_session->retry_policy().attempts;
        if (res && (res->status == 201 || res->status == 204)) {
            ++stats.blobs_uploaded;
            stats.bytes_uploaded += body_size(body);
            return {};
        }
        if (!res && (!res.error().retryable || last))
            return std::unexpected(m_session->transport_error(res.error()));
        if (res && (!retryable_status(res->status) || last))
            return std::unexpected(m_session->answer_error(*res, location()));
        m_session->wait_before_retry(attempt, res ? res->header("retry-after") : "");
    }
}

Status RegistryRemote::upload_chunked(const store::Descriptor& d, const net::HttpRequest& body,
                                      TransferStats& stats) {
    MLCI_TRY_ASSIGN(loc, start_upload(d, true, stats));
    if (loc.empty())
        return {};
    const uint64_t size = body_size(body);
    uint64_t offset = 0;
    int failures = 0;
    while (offset < size) {
        uint64_t n = std::min(m_options.chunk_size, size - offset);
        net::HttpRequest patch = slice(body, offset, n);
        patch.method = "PATCH";
        patch.url = loc;
        patch.headers.emplace_back("Content-Type: application/octet-stream");
        patch.headers.push_back(fmt::format("Content-Range: {}-{}", offset, offset + n - 1));
        patch.on_sent = [&](uint64_t k) { stats.moved(k); };
        auto res = m_session->send_once(patch);
        if (res && res->status == 202) {
            loc = net::resolve_location(
                loc, res->header("location").empty() ? loc : res->header("location"));
            offset = uploaded_end(*res).value_or(offset + n);
            stats.bytes_uploaded += n;
            failures = 0;
            continue;
        }
        bool may_pass =
            res ? retryable_status(res->status) || res->status == 416 : res.error().retryable;
        if (!may_pass || ++failures >= m_session->retry_policy().attempts)
            return res ? std::unexpected(m_session->answer_error(*res, location()))
                       : std::unexpected(m_session->transport_error(res.error()));
        m_session->wait_before_retry(failures, res ? res->header("retry-after") : "");
        // Ask the registry what it has, and go on from there; an upload it
        // has forgotten starts again.
        MLCI_TRY_ASSIGN(status, m_session->send(net::make_request("GET", loc)));
        if (status.status == 204 && uploaded_end(status)) {
            if (!status.header("location").empty())
                loc = net::resolve_location(loc, status.header("location"));
            offset = *uploaded_end(status);
        } else {
            MLCI_TRY_ASSIGN(fresh, start_upload(d, false, stats));
            loc = fresh;
            offset = 0;
        }
    }
    MLCI_TRY_ASSIGN(done, m_session->send(net::make_request(
                              "PUT", with_query(loc, "digest=" + d.digest.str()))));
    if (done.status != 201 && done.status != 204)
        return std::unexpected(m_session->answer_error(done, location()));
    ++stats.blobs_uploaded;
    return {};
}

Status RegistryRemote::fetch_blob(const store::Descriptor& d,
                                  const std::function<Status(std::string_view)>& sink,
                                  TransferStats& stats) {
    uint64_t delivered = 0;
    for (int attempt = 1;; ++attempt) {
        auto get = net::make_request("GET", url("blobs/" + d.digest.str()));
        get.follow_redirects = true;
        if (delivered > 0)
            get.headers.push_back(fmt::format("Range: bytes={}-", delivered));
        // A server that ignores the Range sends it all again: skip what we have.
        uint64_t skip = 0;
        bool first = true;
        get.sink = [&](long status, std::string_view data) -> Status {
            if (first) {
                skip = status == 200 ? delivered : 0;
                first = false;
            }
            auto drop = std::min<uint64_t>(skip, data.size());
            skip -= drop;
            data.remove_prefix(drop);
            if (data.empty())
                return {};
            MLCI_TRY(sink(data));
            delivered += data.size();
            stats.bytes_downloaded += data.size();
            stats.moved(data.size());
            return {};
        };
        auto res = m_session->send_once(get);
        bool last = attempt >= m_session->retry_policy().attempts;
        if (res && (res->status == 200 || res->status == 206)) {
            ++stats.blobs_downloaded;
            return {};
        }
        if (!res && (!res.error().retryable || last))
            return std::unexpected(m_session->transport_error(res.error()));
        if (res && (!retryable_status(res->status) || last)) {
            auto e = m_session->answer_error(*res, location() + "@" + d.digest.str());
            e.code = Exit::runtime; // a blob the manifest names must be there
            return std::unexpected(e);
        }
        m_session->wait_before_retry(attempt, res ? res->header("retry-after") : "");
    }
}

Result<bool> RegistryRemote::fetch_range(const store::Descriptor& d, uint64_t offset,
                                         uint64_t length,
                                         const std::function<Status(std::string_view)>& sink,
                                         TransferStats& stats) {
    uint64_t delivered = 0;
    for (int attempt = 1;; ++attempt) {
        auto get = net::make_request("GET", url("blobs/" + d.digest.str()));
        get.follow_redirects = true;
        get.headers.push_back(
            fmt::format("Range: bytes={}-{}", offset + delivered, offset + length - 1));
        bool whole = false;
        get.sink = [&](long status, std::string_view data) -> Status {
            // Counted all the same: they were received.
            stats.bytes_downloaded += data.size();
            if (status != 206) {
                // The whole blob is coming: stop it, the caller fetches it
                // as a blob (streamed to disk and verified as one).
                whole = true;
                return runtime_error("'{}' ignored a Range request", location());
            }
            if (data.size() > length - delivered)
                return runtime_error("'{}' sent more of '{}' than the range asked for", location(),
                                     d.digest.str());
            MLCI_TRY(sink(data));
            delivered += data.size();
            stats.moved(data.size());
            return {};
        };
        auto res = m_session->send_once(get);
        if (whole)
            return false;
        bool last = attempt >= m_session->retry_policy().attempts;
        if (res && res->status == 206 && delivered == length)
            return true;
        if (res && res->status == 206) // cut short: ask for the rest
            res = std::unexpected(net::TransportError{"the range ended early", true, {}});
        if (!res && (!res.error().retryable || last))
            return std::unexpected(m_session->transport_error(res.error()));
        if (res && (!retryable_status(res->status) || last)) {
            auto e = m_session->answer_error(*res, location() + "@" + d.digest.str());
            e.code = Exit::runtime; // a pack the chunk list names must be there
            return std::unexpected(e);
        }
        m_session->wait_before_retry(attempt, res ? res->header("retry-after") : "");
    }
}

} // namespace mlci::registry
