#include <mlci/project/scaffold.hpp>

namespace mlci::project {

nlohmann::json to_json(const InitReport& report) {
    nlohmann::json doc{{"store", report.store.string()},
                       {"created", report.created},
                       {"gitignore", report.gitignore}};
    if (report.config)
        doc["config"] = report.config->string();
    return doc;
}

} // namespace mlci::project
