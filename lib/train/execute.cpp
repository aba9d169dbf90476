// One run: reuse it from the run cache, or run the command and record it.
#include <cerrno>
#include <fcntl.h>
#include <mlci/core/clock.hpp>
#include <mlci/core/duration.hpp>
#include <mlci/core/fd.hpp>
#include <mlci/core/fs.hpp>
#include <mlci/core/parallel.hpp>
#include <mlci/data/ingest.hpp>
#include <mlci/data/stat_cache.hpp>
#include <mlci/hash/file_hash.hpp>
#include <mlci/process/interrupt.hpp>
#include <mlci/process/line_prefixer.hpp>
#include <mlci/process/process.hpp>
#include <mlci/process/shell_command.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/cache.hpp>
#include <mlci/train/environment.hpp>
#include <mlci/train/execute.hpp>
#include <mlci/train/explain.hpp>
#include <mlci/train/inputs.hpp>
#include <mlci/train/outputs.hpp>
#include <mlci/train/outputs_before.hpp>
#include <mlci/train/work_dir.hpp>
#include <random>
#include <unistd.h>

namespace mlci::train {

namespace {

std::vector<std::string> command_env(const RunPlan& plan, const std::string& id,
                                     const fs::path& params_file) {
    auto env = process::current_environment();
    for (auto& [k, v] : plan.env)
        process::set_env(env, k, v);
    process::set_env(env, "MLCI_RUN_ID", id);
    process::set_env(env, "MLCI_PARAMS", params_file.string());
    nlohmann::json inputs = nlohmann::json::object();
    for (auto& in : plan.inputs) {
        std::vector<std::string> abs;
        abs.reserve(in.paths.size());
        for (auto& p : in.paths)
            abs.push_back((plan.project / p).string());
        if (!abs.empty())
            process::set_env(env, "MLCI_INPUT_" + env_name(in.name), abs.front());
        inputs[in.name] = {{"path", abs.empty() ? "" : abs.front()},
                           {"paths", abs},
                           {"reference", in.reference},
                           {"digest", in.digest.str()}};
    }
    process::set_env(env, "MLCI_INPUTS", inputs.dump());
    // Python buffers a pipe in 8 KiB blocks: without this, training progress
    // would reach the terminal (and the log's order) only at the end.
    if (!process::get_env(env, "PYTHONUNBUFFERED"))
        process::set_env(env, "PYTHONUNBUFFERED", "1");
    return env;
}

std::string media_of_metrics(const std::string& path) {
    return path.ends_with(".yaml") || path.ends_with(".yml") ? "application/yaml"
                                                             : "application/json";
}

} // namespace

std::string new_run_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    auto t = now_rfc3339(); // 2026-01-26T10:15:00Z
    std::string compact;
    for (char c : t)
        if (c != '-' && c != ':')
            compact.push_back(c);
    return fmt::format("{}-{:06x}", compact, rng() & 0xffffff);
}

Result<TrainedRun> execute_labelled(store::Store& store, const RunPlan& plan, Member member,
                                    const std::string& label,
                                    const std::function<void(std::string_view)>& echo,
                                    std::mutex& echo_mutex) {
    std::optional<process::LinePrefixer> prefixer;
    if (echo) {
        prefixer.emplace(label, [&](std::string_view line) {
            std::lock_guard lock(echo_mutex);
            echo(line);
        });
        member.echo = [&](std::string_view chunk) { prefixer->feed(chunk); };
    }
    auto run = execute(store, plan, member);
    if (prefixer)
        prefixer->flush();
    return run;
}

Status restore_run_outputs(const store::Store& store, const RunPlan& plan, const Run& run) {
    MLCI_TRY_ASSIGN(lock, store.writer_lock()); // gc must not take the blobs while we copy
    auto cache = data::StatCache::load(store, plan.project);
    if (auto* layer = run.layer(k_outputs_title)) {
        MLCI_TRY_ASSIGN(text, store.read_blob(layer->digest));
        MLCI_TRY_ASSIGN(files, store::parse_file_list(text, layer->digest.str()));
        MLCI_TRY(restore_outputs(store, plan.project, files, cache, default_jobs()));
    }
    if (!run.record.metrics_file.empty())
        if (auto* layer = run.layer(fs::path(run.record.metrics_file).filename().string())) {
            auto dest = plan.project / run.record.metrics_file;
            auto now = hash::sha256_file(dest);
            if (!now || now->digest != layer->digest)
                MLCI_TRY(restore_blob(store, layer->digest, layer->size, 0644, dest));
        }
    (void)cache.save(); // a shortcut only
    return {};
}

namespace {

void say(const RunPlan& plan, const std::string& line) {
    if (plan.reporter)
        plan.reporter->say(line);
}

// The run the remote cache has for `key`, pulled into the store; nothing on
// a miss, and a warning when the cache cannot be used (the command then runs).
std::optional<store::IndexEntry> remote_hit(store::Store& store, const RunPlan& plan,
                                            const hash::Digest& key, std::string& source) {
    auto hit = fetch_cached_run(store, plan.remote_cache, key, plan.name);
    if (!hit) {
        say(plan, fmt::format("warning: remote cache '{}' not used: {}", plan.remote_cache.dest,
                              hit.error().message));
        return {};
    }
    if (!*hit) {
        if (plan.explain)
            say(plan,
                fmt::format("remote cache '{}': no run with this key", plan.remote_cache.dest));
        return {};
    }
    source = (*hit)->source;
    return (*hit)->entry;
}

} // namespace

Result<TrainedRun> execute(store::Store& store, const RunPlan& plan, const Member& member) {
    auto key = cache_key(cache_facts(plan, member.params));
    RunCache cache(store);
    if (plan.use_cache && !plan.force) {
        MLCI_TRY_ASSIGN(hit, cache.lookup(key));
        std::string source;
        if (!hit && !plan.remote_cache.dest.empty()) {
            hit = remote_hit(store, plan, key, source);
            if (hit)
                (void)cache.remember(key, hit->descriptor.digest); // a shortcut only
        }
        if (hit) {
            MLCI_TRY_ASSIGN(run, load_run(store, *hit));
            if (member.in_project)
                MLCI_TRY(restore_run_outputs(store, plan, run));
            TrainedRun t{run.reference(), run.entry.descriptor.digest, run.record, true, {}};
            t.record.cache = {
                key.str(), true, source.empty() ? run.entry.descriptor.digest.str() : source, {}};
            return t;
        }
        if (plan.explain)
            explain_miss(store, plan, member.params, key);
    }

    unsigned signals_before = process::interrupt_count();
    RunRecord rec;
    rec.id = new_run_id();
    rec.name = plan.name;
    rec.command = plan.command;
    rec.workdir = plan.workdir;
    rec.params = member.params;
    rec.params_file = plan.params_file;
    rec.inputs = plan.inputs;
    rec.code = plan.code;
    rec.timeout_seconds = plan.timeout_seconds;
    rec.metrics_file = plan.metrics;
    rec.stage = plan.stage;
    for (auto& u : plan.upstream)
        rec.upstream.push_back(u.run);
    if (plan.use_cache) {
        rec.cache.key = key.str();
        rec.cache.deps = plan.deps->files;
    }

    MLCI_TRY_ASSIGN(scratch, WorkDir::make(store, rec.id));
    auto params_path = scratch.dir() / "params.json";
    MLCI_TRY(write_file_atomic(params_path, member.params.dump(2) + "\n", /*durable=*/false));
    auto log_path = scratch.dir() / "log";
    UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!log)
        return sys_error(errno, fmt::format("cannot create '{}'", log_path.string()));

    auto env = command_env(plan, rec.id, params_path);
    process::ProcessSpec spec;
    spec.argv = config::command_argv(plan.command);
    spec.env = env;
    spec.cwd = member.root / plan.workdir;
    if (plan.timeout_seconds) { // converted without overflow (a huge double is UB to cast)
        MLCI_TRY_ASSIGN(timeout, duration_from_seconds(*plan.timeout_seconds));
        spec.timeout = timeout;
    }
    std::optional<Error> log_error;
    spec.on_output = [&](std::string_view chunk) {
        if (auto w = write_all(log.get(), chunk, log_path); !w && !log_error)
            log_error = w.error();
        if (member.echo)
            member.echo(chunk);
    };

    // See shell_command.hpp: a string's missing program is the same error as a list's.
    if (plan.command.argv.empty())
        if (auto path = process::get_env(env, "PATH"))
            MLCI_TRY(process::check_shell_program(plan.command.shell, *path, spec.cwd));

    // The outputs stay where they are while the command runs (see
    // outputs_before.hpp): what they were tells afterwards whether the command
    // wrote them, and lets a run that does not succeed put them back.
    std::vector<std::string> own = plan.outputs;
    if (!plan.metrics.empty())
        own.push_back(plan.metrics);
    MLCI_TRY_ASSIGN(before, OutputsBefore::take(member.root, own, default_jobs()));
    if (member.in_project) {
        auto stat_cache = data::StatCache::load(store, plan.project);
        MLCI_TRY(before.keep_content(store, stat_cache, scratch.dir() / "before", default_jobs()));
        (void)stat_cache.save(); // a shortcut only
    }

    rec.started = now_rfc3339();
    auto ran = process::run_process(spec);
    rec.ended = now_rfc3339();
    if (!ran)
        return std::unexpected(ran.error()); // it did not start: nothing changed
    if (log_error) {
        (void)before.put_back();
        return std::unexpected(*log_error);
    }
    rec.exit_code = ran->exit_code;
    rec.signal = ran->term_signal;
    rec.wall_seconds = ran->wall_seconds;
    rec.cpu_seconds = ran->cpu_seconds;
    rec.max_rss_bytes = ran->max_rss_bytes;
    // A signal that came at any moment of the run, even one the command
    // shrugged off, makes it interrupted: never a succeeded run by accident.
    if (ran->interrupted || process::interrupt_count() != signals_before)
        rec.status = RunStatus::interrupted;
    else if (ran->timed_out)
        rec.status = RunStatus::timeout;
    else if (ran->exit_code != 0)
        rec.status = RunStatus::failed;
    else
        rec.status = RunStatus::succeeded;
    rec.environment = describe_environment(plan.command, env, spec.cwd.string());

    TrainedRun result;
    // A line with shell syntax was not checked beforehand (see
    // shell_command.hpp), and part of it may have run: a failed run, named.
    if (rec.status == RunStatus::failed && plan.command.argv.empty() && !ran->term_signal &&
        (ran->exit_code == 127 || ran->exit_code == 126))
        result.problem = fmt::format("/bin/sh could not {} a program of the command",
                                     ran->exit_code == 127 ? "find" : "execute");
    // A run that does not succeed leaves the outputs as it found them. (One
    // whose command succeeded keeps what it wrote, even if recording fails.)
    auto put_back = [&] {
        if (auto back = before.put_back(); !back)
            result.problem += (result.problem.empty() ? "" : "; ") + back.error().message;
    };
    bool command_succeeded = rec.status == RunStatus::succeeded;
    if (!command_succeeded)
        put_back();
    MLCI_TRY_ASSIGN(lock, store.writer_lock());
    store::Manifest m;
    m.artifact_type = store::k_type_run;
    std::vector<store::FileEntry> files;
    std::optional<std::string> metrics_text;
    // An output the command left exactly as it was is one it did not write.
    std::error_code ec;
    auto not_written = [&](const std::string& path) -> Result<bool> {
        if (!fs::exists(fs::symlink_status(member.root / path, ec)))
            return true;
        return before.unchanged(path, default_jobs());
    };
    if (rec.status == RunStatus::succeeded)
        for (auto& o : plan.outputs) {
            MLCI_TRY_ASSIGN(stale, not_written(o));
            if (stale) {
                rec.status = RunStatus::failed;
                result.problem =
                    fmt::format("the command exited 0 but did not write the output '{}'", o);
                break;
            }
        }
    if (rec.status == RunStatus::succeeded) {
        auto stat_cache = data::StatCache::load(store, plan.project);
        MLCI_TRY_ASSIGN(collected, collect_outputs(store, member.root, plan.outputs, default_jobs(),
                                                   member.in_project ? &stat_cache : nullptr));
        files = std::move(collected.files);
        if (!collected.missing.empty()) {
            rec.status = RunStatus::failed;
            result.problem = fmt::format("the command exited 0 but did not write the output '{}'",
                                         collected.missing.front());
        } else if (member.in_project) {
            (void)stat_cache.save(); // a shortcut only
        }
    }
    if (rec.status == RunStatus::succeeded && !plan.metrics.empty()) {
        auto path = member.root / plan.metrics;
        MLCI_TRY_ASSIGN(stale, not_written(plan.metrics));
        if (stale) {
            rec.status = RunStatus::failed;
            result.problem = fmt::format(
                "the command exited 0 but did not write the metrics file '{}'", plan.metrics);
        } else {
            auto doc = read_metrics_file(path);
            auto text = read_file(path);
            if (!doc || !text) {
                rec.status = RunStatus::failed;
                result.problem = (doc ? text.error() : doc.error()).message;
            } else {
                rec.metrics = flatten_metrics(*doc);
                metrics_text = std::move(*text);
            }
        }
    }
    if (rec.status != RunStatus::succeeded) {
        files.clear();
        if (command_succeeded)
            put_back(); // it did not write all it declared
    }
    for (auto& f : files)
        rec.outputs.push_back({f.path, f.size, f.digest});

    MLCI_TRY_ASSIGN(list,
                    store.put_blob(store::serialize_file_list(files), store::k_media_file_list));
    list.annotations[k_ann_title] = k_outputs_title;
    m.layers.push_back(list);
    MLCI_TRY_ASSIGN(log_blob, data::ingest_file(store, log_path, "log", data::IngestMode::copy));
    store::Descriptor log_desc{k_media_log, log_blob.entry.digest, log_blob.entry.size, {}, {}, {}};
    log_desc.annotations[k_ann_title] = k_log_title;
    m.layers.push_back(log_desc);
    if (metrics_text) {
        MLCI_TRY_ASSIGN(md, store.put_blob(*metrics_text, media_of_metrics(plan.metrics)));
        md.annotations[k_ann_title] = fs::path(plan.metrics).filename().string();
        m.layers.push_back(md);
    }
    MLCI_TRY_ASSIGN(config, store.put_blob(store::canonical(to_json(rec)), k_media_run_config));
    m.config = config;
    m.annotations = {{store::k_ann_kind, "run"},
                     {store::k_ann_name, rec.name},
                     {k_ann_status, std::string(to_string(rec.status))},
                     {store::k_ann_created, rec.ended},
                     {k_ann_run_id, rec.id}};
    if (rec.code && !rec.code->commit.empty())
        m.annotations[store::k_ann_revision] = rec.code->commit;
    for (auto& [k, v] : rec.metrics)
        m.annotations[k_ann_metric_prefix + k] = format_number(v);
    std::string lineage;
    for (auto& in : rec.inputs)
        if (lineage.find(in.digest.str()) == std::string::npos)
            lineage += (lineage.empty() ? "" : ",") + in.digest.str();
    if (!lineage.empty())
        m.annotations[k_ann_lineage_inputs] = lineage;
    std::string stages;
    for (auto& u : rec.upstream)
        stages += (stages.empty() ? "" : ",") + u.digest.str();
    if (!stages.empty())
        m.annotations[k_ann_lineage_stages] = stages;
    if (!rec.stage.empty())
        m.annotations[k_ann_stage] = rec.stage;
    if (!rec.cache.key.empty())
        m.annotations[k_ann_cache_key] = rec.cache.key;
    if (!member.sweep.empty())
        m.annotations[k_ann_sweep] = member.sweep;
    if (!member.select.empty())
        m.annotations[k_ann_sweep_select] = member.select;
    MLCI_TRY_ASSIGN(desc, store.put_manifest(m));
    // Every blob durable in one batch before anything names the manifest.
    MLCI_TRY(store.sync());
    if (member.before_tag)
        member.before_tag();
    MLCI_TRY_ASSIGN(tag, store.tag_next_version(desc, rec.name));
    if (rec.status == RunStatus::succeeded && plan.use_cache) {
        (void)cache.remember(key, desc.digest); // a shortcut: rebuilt from runs if lost
        if (!plan.remote_cache.dest.empty())
            if (auto pushed = publish_cached_run(store, plan.remote_cache, {desc, tag}, key);
                !pushed)
                say(plan, fmt::format("warning: run {} not stored in the remote cache '{}': {}",
                                      tag, plan.remote_cache.dest, pushed.error().message));
    }
    result.reference = tag;
    result.manifest = desc.digest;
    result.record = std::move(rec);
    return result;
}

} // namespace mlci::train
