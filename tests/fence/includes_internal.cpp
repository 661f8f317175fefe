// Compiled by the public_api_fence_refuses_internal_headers test against arina_core_api's
// include directory alone: the public header compiles, the internal one after it is not there.
#include "core/download_manager.hpp"
#include "core/manager_impl.hpp"
