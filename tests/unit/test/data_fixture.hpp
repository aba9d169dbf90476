// A project with a store, CSV files versioned as datasets, and generated
// tables for data-check tests.
#pragma once

#include "../temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <mlci/core/progress.hpp>
#include <mlci/data/dataset.hpp>
#include <mlci/store/reference.hpp>
#include <mlci/store/store.hpp>
#include <random>
#include <sstream>

namespace mlci::testing {

struct Project {
    TempDir dir;
    store::Store store = *store::Store::init(dir.path() / ".mlci");

    std::filesystem::path write(const std::string& rel, const std::string& content) const {
        auto p = dir / rel;
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
        return p;
    }

    // Versions `rel` as dataset `name`; returns the version's index entry.
    store::IndexEntry add(const std::string& rel, const std::string& name) {
        data::AddOptions o;
        o.paths = {rel};
        o.cwd = dir.path();
        o.name = name;
        auto r = data::add_dataset(store, o, Reporter{});
        if (!r)
            FAIL(r.error().message);
        return entry(r->reference);
    }

    store::IndexEntry entry(const std::string& ref) const {
        std::istringstream none;
        auto e = store::resolve(store, ref, none);
        if (!e)
            FAIL(e.error().message);
        return *e;
    }
};

// A table like iris: four measurements and a species, drawn from fixed
// normal distributions (seeded: the same every run). `shift` is added to
// the first measurement; `rows` rows.
inline std::string measurements(size_t rows, double shift = 0, unsigned seed = 7) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> a(5.8, 0.8), b(3.0, 0.4), c(3.8, 1.7), d(1.2, 0.7);
    const char* species[] = {"setosa", "versicolor", "virginica"};
    std::string out = "sepal_length,sepal_width,petal_length,petal_width,species\n";
    for (size_t i = 0; i < rows; ++i)
        out += fmt::format("{:.1f},{:.1f},{:.1f},{:.1f},{}\n", a(rng) + shift, b(rng), c(rng),
                           std::abs(d(rng)), species[i % 3]);
    return out;
}

} // namespace mlci::testing
