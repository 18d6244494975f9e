#include "properties/seeded_prop.h"

#include <cstdlib>

namespace rmq::props {

bool rc_params_set(const char* key) {
  const char* env = std::getenv("RC_PARAMS");
  return env != nullptr && std::string(env).find(key) != std::string::npos;
}

rc::detail::TestParams seeded_params(int default_cases) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (!rc_params_set("seed=")) params.seed = kDefaultSeed;
  if (default_cases > 0 && !rc_params_set("max_success=")) params.maxSuccess = default_cases;
  return params;
}

}  // namespace rmq::props
