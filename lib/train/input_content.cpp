#include <mlci/hash/sha256.hpp>
#include <mlci/store/file_list.hpp>
#include <mlci/store/media_types.hpp>
#include <mlci/train/input_content.hpp>
#include <mlci/train/record.hpp>

namespace mlci::train {

Result<hash::Digest> input_content(const store::Store& store, const hash::Digest& manifest) {
    MLCI_TRY_ASSIGN(m, store.read_manifest(manifest));
    std::string text;
    for (auto& layer : m.layers) {
        if (layer.media_type != store::k_media_file_list)
            continue; // profiles are derived from the files
        auto title = layer.annotations.find(k_ann_title);
        text += title == layer.annotations.end() ? "" : title->second;
        text += '\n';
        MLCI_TRY_ASSIGN(list_text, store.read_blob(layer.digest));
        MLCI_TRY_ASSIGN(files, store::parse_file_list(list_text, layer.digest.str()));
        for (auto& f : files) {
            text += f.path;
            text.push_back('\0');
            text += f.digest.str();
            text.push_back('\n');
        }
    }
    return hash::sha256_of(text);
}

} // namespace mlci::train
