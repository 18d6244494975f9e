// Properties that run the same cases on every plain run, so CI cannot pass one day and fail the next on a seed
// it drew. RapidCheck's own RC_GTEST_PROP draws a fresh seed per run; RMQ_SEEDED_PROP uses kDefaultSeed and
// RapidCheck's case count unless RC_PARAMS names them, so other seeds are still one variable away:
//   RC_PARAMS="seed=123 max_success=5000" ./properties_test --gtest_filter='AllocateProperties.*'
// A failure prints RapidCheck's shrunk counterexample and the RC_PARAMS that replays it.
#pragma once

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <sstream>
#include <string>

namespace rmq::props {

inline constexpr uint64_t kDefaultSeed = 0x498'5eed;

// True when the RC_PARAMS environment variable sets `key` (for example "seed=").
bool rc_params_set(const char* key);

// RapidCheck's configured parameters with the seed fixed to kDefaultSeed unless RC_PARAMS names one, and the
// case count set to `default_cases` unless RC_PARAMS names one (0 keeps RapidCheck's configured count).
rc::detail::TestParams seeded_params(int default_cases = 0);

// Checks `testable` under seeded_params() as the current gtest test and fails it with the counterexample.
template <typename Testable>
void check_seeded(Testable&& testable) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  const rc::detail::TestParams params = seeded_params();
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  if (result.template is<rc::detail::SuccessResult>()) return;
  std::ostringstream os;
  rc::detail::printResultMessage(result, os);
  FAIL() << os.str() << "\nreplay: RC_PARAMS=\"seed=" << params.seed << "\" --gtest_filter='"
         << info->test_suite_name() << "." << info->name() << "' (or the reproduce string printed at exit)";
}

}  // namespace rmq::props

// RC_GTEST_PROP with the fixed default seed (see above).
#define RMQ_SEEDED_PROP(TestSuite, Name, ArgList)                                \
  void rmqSeededProp_##TestSuite##_##Name ArgList;                               \
  TEST(TestSuite, Name) { ::rmq::props::check_seeded(&rmqSeededProp_##TestSuite##_##Name); } \
  void rmqSeededProp_##TestSuite##_##Name ArgList
