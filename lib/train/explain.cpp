#include <mlci/train/explain.hpp>
#include <mlci/train/input_content.hpp>
#include <mlci/train/params.hpp>

namespace mlci::train {

namespace {

constexpr size_t k_max_lines = 12; // a miss is explained, not listed in full

template <typename Map, typename Say>
void diff_maps(const Map& now, const Map& before, Say&& say) {
    for (auto& [k, v] : now) {
        auto it = before.find(k);
        if (it == before.end())
            say(k, nullptr, &v);
        else if (it->second != v)
            say(k, &it->second, &v);
    }
    for (auto& [k, v] : before)
        if (!now.count(k))
            say(k, &v, nullptr);
}

std::string short_id(const std::string& id) {
    auto colon = id.find(':');
    auto hex = colon == std::string::npos ? id : id.substr(colon + 1);
    return hex.substr(0, 12);
}

} // namespace

std::vector<std::string> run_differences(const store::Store& store, const RunPlan& plan,
                                         const nlohmann::json& params, const RunRecord& earlier) {
    std::vector<std::string> out;
    if (config::command_line(plan.command) != config::command_line(earlier.command))
        out.push_back(fmt::format("command: '{}' was '{}'", config::command_line(plan.command),
                                  config::command_line(earlier.command)));
    if (plan.workdir != earlier.workdir)
        out.push_back(fmt::format("working folder: '{}' was '{}'", plan.workdir, earlier.workdir));

    diff_maps(flatten_params(params), flatten_params(earlier.params),
              [&](const std::string& k, const nlohmann::json* was, const nlohmann::json* now) {
                  out.push_back(fmt::format("param {}: {} was {}", k,
                                            now ? format_value(*now) : "(unset)",
                                            was ? format_value(*was) : "(unset)"));
              });

    // Inputs by content, as the key has them (a version of the same files is
    // the same input); by version when the earlier one is not in the store.
    std::map<std::string, std::string> inputs_now, inputs_then;
    for (size_t i = 0; i < plan.inputs.size(); ++i)
        inputs_now[plan.inputs[i].name] = plan.input_contents.at(i).str();
    for (auto& i : earlier.inputs) {
        auto content = input_content(store, i.digest);
        inputs_then[i.name] = content ? content->str() : i.digest.str();
    }
    diff_maps(inputs_now, inputs_then,
              [&](const std::string& k, const std::string* was, const std::string* now) {
                  out.push_back(fmt::format("input {}: {} was {}", k,
                                            now ? short_id(*now) : "(none)",
                                            was ? short_id(*was) : "(none)"));
              });

    if (plan.deps) {
        if (earlier.cache.deps.empty())
            out.emplace_back("dependencies: the earlier run recorded none (made by an older mlci)");
        else
            diff_maps(plan.deps->files, earlier.cache.deps,
                      [&](const std::string& k, const std::string* was, const std::string* now) {
                          out.push_back(fmt::format("dependency '{}': {}", k,
                                                    !was   ? "new"
                                                    : !now ? "removed"
                                                           : "changed"));
                      });
    }

    // A stage's upstream runs: another run there may have made other outputs.
    std::map<std::string, std::string> upstream_now, upstream_then;
    for (auto& u : plan.upstream)
        upstream_now[u.run.stage] = u.run.reference;
    for (auto& u : earlier.upstream)
        upstream_then[u.stage] = u.reference;
    diff_maps(upstream_now, upstream_then,
              [&](const std::string& k, const std::string* was, const std::string* now) {
                  out.push_back(fmt::format("upstream stage {}: {} was {}", k,
                                            now ? *now : "(none)", was ? *was : "(none)"));
              });

    if (plan.metrics != earlier.metrics_file)
        out.push_back(
            fmt::format("metrics file: '{}' was '{}'", plan.metrics, earlier.metrics_file));
    return out;
}

void explain_miss(const store::Store& store, const RunPlan& plan, const nlohmann::json& params,
                  const hash::Digest& key) {
    if (!plan.reporter)
        return;
    auto& say = *plan.reporter;
    auto entries = store.entries();
    if (!entries)
        return;
    std::optional<Run> closest;
    std::vector<std::string> closest_diffs;
    auto prefix = plan.name + ":v";
    for (auto& e : *entries) {
        if (!e.tag.starts_with(prefix))
            continue;
        auto run = load_run(store, e);
        if (!run || run->record.status != RunStatus::succeeded || run->record.cache.key.empty())
            continue;
        auto diffs = run_differences(store, plan, params, run->record);
        auto newer = closest && run->record.ended >= closest->record.ended;
        if (!closest || diffs.size() < closest_diffs.size() ||
            (diffs.size() == closest_diffs.size() && newer)) {
            closest = std::move(*run);
            closest_diffs = std::move(diffs);
        }
    }
    if (!closest) {
        say.say(fmt::format("cache miss ({}): no earlier succeeded run named '{}' to compare with",
                            key.short_hex(12), plan.name));
        return;
    }
    say.say(fmt::format("cache miss ({}): closest is {}; what differs:", key.short_hex(12),
                        closest->reference()));
    if (closest_diffs.empty())
        say.say("  nothing recorded: the declared outputs, train.env, the platform (OS, "
                "architecture) or mlci's key format");
    for (size_t i = 0; i < closest_diffs.size() && i < k_max_lines; ++i)
        say.say("  " + closest_diffs[i]);
    if (closest_diffs.size() > k_max_lines)
        say.say(fmt::format("  and {} more", closest_diffs.size() - k_max_lines));
}

} // namespace mlci::train
