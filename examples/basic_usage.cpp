// The seed's "Basic Usage", in C++: create a manager, add a task, watch its progress,
// wait for the result.
//
//   basic_usage URL [OUTPUT_DIR]

#include <cstdio>

#include "core/download_manager.hpp"

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s URL [OUTPUT_DIR]\n", argv[0]);
        return 2;
    }

    // Create download manager
    arina::DownloadManager manager(/*max_workers=*/4);

    // Watch progress (the callback runs on a thread of its own, never the engine's)
    manager.subscribe([](const arina::ProgressEvent& e) {
        std::printf("task %lld: %s %s\n", static_cast<long long>(e.task_id),
                    std::string(arina::to_string(e.status)).c_str(), e.details.c_str());
    });

    // Add download task
    arina::DownloadTask task{.url = argv[1], .output_dir = argc > 2 ? argv[2] : "./downloads"};

    // Submit to the pool
    std::future<arina::TaskResult> future = manager.add_task(task);

    // Wait for completion
    arina::TaskResult result = future.get();
    if (result.status != arina::TaskStatus::Completed) {
        std::fprintf(stderr, "failed: %s\n", result.error.message.c_str());
        return 1;
    }
    std::printf("saved %s (%lld bytes)\n", result.file.c_str(), static_cast<long long>(result.size));
    return 0;
}
