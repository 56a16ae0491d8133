// Runs the leptonsim binary as a child process (one SimGrid engine per
// process) and reads its report. Used by the simulation tests.
#pragma once

#include "SqliteReport.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace leptonsim::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "leptonsim-test-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }
  const std::filesystem::path& path() const { return path_; }

private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Starts `leptonsim args...` with stdout/stderr captured in files; returns the pid.
inline pid_t spawn_leptonsim(const std::vector<std::string>& args, const std::filesystem::path& out,
                             const std::filesystem::path& err) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = LEPTONSIM_BINARY;
    argv.push_back(binary.data());
    std::vector<std::string> copies = args;
    for (auto& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (!freopen(out.c_str(), "w", stdout) || !freopen(err.c_str(), "w", stderr)) _exit(127);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

inline int wait_exit_code(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline CliResult run_leptonsim(const std::vector<std::string>& args, const TempDir& dir) {
  static int counter = 0;
  const auto out = dir / ("stdout" + std::to_string(counter) + ".txt");
  const auto err = dir / ("stderr" + std::to_string(counter++) + ".txt");
  CliResult result;
  result.exit_code = wait_exit_code(spawn_leptonsim(args, out, err));
  result.out = read_file(out);
  result.err = read_file(err);
  return result;
}

// Runs several leptonsim commands, at most `parallel` at a time; returns exit codes in order.
inline std::vector<int> run_many(const std::vector<std::vector<std::string>>& commands, const TempDir& dir,
                                 unsigned parallel) {
  std::vector<int> codes(commands.size(), -1);
  std::vector<std::pair<pid_t, std::size_t>> running;
  std::size_t next = 0;
  while (next < commands.size() || !running.empty()) {
    while (next < commands.size() && running.size() < parallel) {
      const auto base = dir / ("job" + std::to_string(next));
      running.emplace_back(spawn_leptonsim(commands[next], base.string() + ".out", base.string() + ".err"), next);
      ++next;
    }
    const auto [pid, index] = running.front();
    running.erase(running.begin());
    codes[index] = wait_exit_code(pid);
  }
  return codes;
}

// Scale factor for long statistical runs (LEPTONSIM_TEST_SCALE, default 1):
// sanitizer builds run shorter and widen their tolerance by 1/sqrt(scale).
inline double test_scale() {
  const char* value = std::getenv("LEPTONSIM_TEST_SCALE");
  return value ? std::atof(value) : 1.0;
}

inline unsigned parallel_jobs() {
  const long cores = sysconf(_SC_NPROCESSORS_ONLN);
  return cores > 0 ? static_cast<unsigned>(cores) : 1u;
}

}  // namespace leptonsim::testing
