// Baselines for the watch tests, profiled from CSV text as data-version does.
#pragma once

#include <catch2/catch.hpp>
#include <mlci/data/csv_reader.hpp>
#include <mlci/data/profile.hpp>
#include <mlci/watch/baseline.hpp>
#include <string>

namespace mlci::testing {

inline data::TableProfile profile_of(const std::string& csv) {
    auto reader = data::CsvReader::from_string(csv, "t.csv");
    REQUIRE(reader);
    auto p = data::profile_csv(*reader);
    REQUIRE(p);
    return *p;
}

// A baseline over `csv` whose last column is the target.
inline watch::Baseline baseline_of(const std::string& csv) {
    watch::Baseline b;
    b.profile = profile_of(csv);
    b.table = "t.csv";
    b.kind = "dataset";
    b.name = "t";
    b.target = b.profile.columns.back().name;
    for (auto& c : b.profile.columns)
        if (c.name != b.target)
            b.features.push_back(c.name);
    return b;
}

// "x,color,y" rows: x 0..99, color red/blue, y yes/no.
inline std::string sample_csv() {
    std::string csv = "x,color,y\n";
    for (int i = 0; i < 100; ++i)
        csv += std::to_string(i) + (i % 2 ? ",red," : ",blue,") + (i < 50 ? "yes" : "no") + "\n";
    return csv;
}

} // namespace mlci::testing
