#pragma once
// The task store's contract tests run once per back end: a SQLite file in a
// temporary directory, and a fresh database on the test process's throwaway
// PostgreSQL server (support/pg_server.hpp). PostgreSQL cases are skipped, with the
// reason, when the server cannot start.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/task_store.hpp"
#include "support/pg_server.hpp"
#include "support/test_support.hpp"

namespace arina::store::testing {

enum class Backend { Sqlite, Postgres };

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
    return info.param == Backend::Sqlite ? "SQLite" : "PostgreSQL";
}

inline std::unique_ptr<TaskStore> open_ok(const std::string& locator, TaskStoreOptions options = {}) {
    auto opened = TaskStore::open(locator, std::move(options));
    if (auto* error = std::get_if<Error>(&opened)) {
        ADD_FAILURE() << "open failed: " << error->message;
        return nullptr;
    }
    return std::move(std::get<std::unique_ptr<TaskStore>>(opened));
}

inline TaskKey insert_ok(TaskStore& store, TaskRecord record) {
    auto inserted = store.insert(std::move(record));
    if (auto* error = std::get_if<Error>(&inserted)) {
        ADD_FAILURE() << "insert failed: " << error->message;
        return 0;
    }
    return std::get<TaskKey>(inserted);
}

inline TaskRecord task(std::string params, int priority = 0, std::string host = {}) {
    TaskRecord r;
    r.params_json = std::move(params);
    r.priority = priority;
    r.host = std::move(host);
    return r;
}

/// The claimed record, or nullopt (failing the test on an error).
inline std::optional<Claim> claim_ok(TaskStore& store, ClaimRequest request = {}) {
    auto claimed = store.claim(request);
    if (auto* error = std::get_if<Error>(&claimed)) {
        ADD_FAILURE() << "claim failed: " << error->message;
        return std::nullopt;
    }
    return std::get<std::optional<Claim>>(claimed);
}

/// A fresh database per test on the process's PostgreSQL server; skips when there is none.
class PgTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        pg = test::PgServer::get(why);
        if (pg == nullptr) GTEST_SKIP() << "PostgreSQL could not be started: " << why;
        locator = pg->create_database();
        ASSERT_FALSE(locator.empty()) << "CREATE DATABASE failed";
    }
    test::PgServer* pg = nullptr;
    std::string locator;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::Sqlite) {
            locator = (dir / "tasks.db").string();
            return;
        }
        std::string why;
        pg = test::PgServer::get(why);
        if (pg == nullptr) GTEST_SKIP() << "PostgreSQL could not be started: " << why;
        locator = pg->create_database();
        ASSERT_FALSE(locator.empty()) << "CREATE DATABASE failed";
    }
    std::unique_ptr<TaskStore> open(TaskStoreOptions options = {}) {
        return open_ok(locator, std::move(options));
    }

    test::TempDir dir;
    test::PgServer* pg = nullptr;
    std::string locator;
};

}  // namespace arina::store::testing
