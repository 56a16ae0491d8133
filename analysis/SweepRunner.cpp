#include "SweepRunner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "SqliteReport.hpp"

namespace leptonsim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

volatile std::sig_atomic_t g_interrupt_signal = 0;

extern "C" void note_interrupt(int signal_number) { g_interrupt_signal = signal_number; }

// Installs the interrupt handlers for the lifetime of the object. No
// SA_RESTART: waitpid returns EINTR so the loop can react at once.
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupt_signal = 0;
    struct sigaction action {};
    action.sa_handler = note_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

struct RunningTask {
  const SweepTask* task = nullptr;
  std::string report_path;
  std::string stderr_path;
  Clock::time_point started;
};

// The last `limit` bytes of a file (stderr of a failed run), or "".
std::string tail_of_file(const std::string& path, std::size_t limit = 4000) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream all;
  all << in.rdbuf();
  std::string text = all.str();
  if (text.size() > limit) text = "…" + text.substr(text.size() - limit);
  return text;
}

// Starts `leptonsim run` for one task; stdout is dropped, stderr goes to a file.
pid_t launch(const SweepTask& task, const SweepRunOptions& options, const RunningTask& running) {
  std::vector<std::string> args = {options.leptonsim_binary, "run", options.base_scenario,
                                   "--seed", std::to_string(task.row.seed),
                                   "-o", running.report_path, "-q", "--progress", "none"};
  for (const std::string& override_text : task.overrides) {
    args.push_back("--set");
    args.push_back(override_text);
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int stderr_fd = ::open(running.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (stderr_fd < 0) throw std::system_error(errno, std::generic_category(), "creating " + running.stderr_path);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int saved = errno;
    ::close(stderr_fd);
    throw std::system_error(saved, std::generic_category(), "fork");
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGINT, &default_action, nullptr);
    ::sigaction(SIGTERM, &default_action, nullptr);
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      ::dup2(null_fd, STDIN_FILENO);
      ::dup2(null_fd, STDOUT_FILENO);
    }
    ::dup2(stderr_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    const char message[] = "leptonsim sweep: cannot execute the simulator\n";
    (void)!::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(127);
  }
  ::close(stderr_fd);
  return pid;
}

void remove_quietly(const std::string& path) {
  std::error_code ignored;
  fs::remove(path, ignored);
}

// Removes what an earlier, killed sweep may have left in the work directory:
// task reports (imported or not), stderr files and the temporary file of a
// report that was being written. The work directory belongs to one sweep
// database, and one sweep process works on a database at a time.
void remove_leftovers(const std::string& work_dir) {
  std::error_code error;
  for (fs::directory_iterator it(work_dir, error), end; !error && it != end; it.increment(error))
    if (it->path().filename().string().rfind("task-", 0) == 0) remove_quietly(it->path().string());
}

class ProgressPrinter {
 public:
  explicit ProgressPrinter(const SweepRunOptions& options)
      : options_(options), is_terminal_(::isatty(STDERR_FILENO) == 1), started_(Clock::now()) {}

  void update(std::size_t succeeded, std::size_t failed, std::size_t running) {
    if (options_.progress == SweepProgressStyle::none) return;
    const std::size_t done_now = succeeded + failed;
    const std::size_t done = options_.done_before + done_now;
    const std::size_t total = std::max(options_.total_tasks, done);
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    const std::size_t remaining = total - done;
    const double eta = done_now > 0 ? elapsed / static_cast<double>(done_now) * static_cast<double>(remaining) : -1.0;
    if (options_.progress == SweepProgressStyle::json) {
      nlohmann::json line{{"event", "progress"}, {"done", done},       {"total", total},
                          {"failed", failed},    {"running", running}, {"elapsed_seconds", elapsed},
                          {"eta_seconds", eta >= 0 ? nlohmann::json(eta) : nlohmann::json(nullptr)}};
      std::cerr << line.dump() << std::endl;
      return;
    }
    // Not a terminal (a log file, Slurm output): a line per 5 % only.
    const std::size_t step = std::max<std::size_t>(1, total / 20);
    if (!is_terminal_ && done_now != 0 && done != total && done / step == last_step_) return;
    last_step_ = done / step;
    const int width = 24;
    const int filled = total ? static_cast<int>(width * static_cast<double>(done) / static_cast<double>(total)) : width;
    const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                            std::string(static_cast<std::size_t>(width - filled), '.');
    const std::string line =
        fmt::format("[{}] {}/{} runs, {} failed, {} running, {} elapsed{}", bar, done, total, failed, running,
                    format_duration(elapsed), eta >= 0 && remaining > 0 ? ", ETA " + format_duration(eta) : "");
    if (is_terminal_)
      std::cerr << '\r' << line << "\x1b[K" << std::flush;
    else
      std::cerr << line << '\n';
  }

  void finish() {
    if (options_.progress == SweepProgressStyle::text && is_terminal_) std::cerr << '\n';
  }

 private:
  const SweepRunOptions& options_;
  bool is_terminal_;
  Clock::time_point started_;
  std::size_t last_step_ = static_cast<std::size_t>(-1);
};

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) return "?";
  const auto total = static_cast<long long>(seconds + 0.5);
  if (total >= 3600) return fmt::format("{}h {:02}m", total / 3600, (total % 3600) / 60);
  if (total >= 60) return fmt::format("{}m {:02}s", total / 60, total % 60);
  if (seconds < 10) return fmt::format("{:.1f}s", seconds);
  return fmt::format("{}s", total);
}

SweepRunOutcome run_sweep_tasks(SweepDatabase& database, const std::vector<SweepTask>& tasks,
                                const SweepRunOptions& options) {
  if (options.jobs < 1) throw std::invalid_argument("jobs must be at least 1");
  fs::create_directories(options.work_dir);
  remove_leftovers(options.work_dir);
  InterruptGuard interrupt_guard;
  ProgressPrinter progress(options);
  SweepRunOutcome outcome;
  const auto started = Clock::now();
  std::map<pid_t, RunningTask> running;
  std::size_t next = 0;
  bool forwarded = false;
  bool progress_due = false;  // a task finished: report once the next ones are launched

  const auto finish_task = [&](const RunningTask& run, int status) {
    const bool interrupted = g_interrupt_signal != 0;
    SweepTaskRow row = run.task->row;
    row.wall_seconds = std::chrono::duration<double>(Clock::now() - run.started).count();
    row.finished_at = utc_now_iso8601();
    const bool exited_cleanly = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (exited_cleanly && fs::exists(run.report_path)) {
      database.import_run(row, run.report_path, options.summary_only);
      ++outcome.succeeded;
    } else if (!interrupted) {
      row.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      row.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      row.stderr_text = tail_of_file(run.stderr_path);
      if (exited_cleanly) row.stderr_text += "\n(the run exited with 0 but wrote no report)";
      database.record_failure(row);
      ++outcome.failed;
    }  // interrupted runs stay pending and run again on resume
    remove_quietly(run.report_path);
    remove_quietly(run.stderr_path);
  };

  progress.update(0, 0, 0);
  try {
    while (true) {
      while (g_interrupt_signal == 0 && running.size() < options.jobs && next < tasks.size()) {
        const SweepTask& task = tasks[next++];
        RunningTask run;
        run.task = &task;
        run.report_path = (fs::path(options.work_dir) / fmt::format("task-{}.db", task.row.run_id)).string();
        run.stderr_path = (fs::path(options.work_dir) / fmt::format("task-{}.stderr", task.row.run_id)).string();
        run.started = Clock::now();
        running.emplace(launch(task, options, run), run);
      }
      if (progress_due) progress.update(outcome.succeeded, outcome.failed, running.size());
      progress_due = false;
      if (running.empty()) break;
      // The signal may have come at any point of the loop, not only during
      // waitpid (e.g. while another child was being reaped).
      if (g_interrupt_signal != 0 && !forwarded) {
        for (const auto& entry : running) ::kill(entry.first, g_interrupt_signal);
        forwarded = true;
      }
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, 0);
      if (pid < 0) {
        if (errno != EINTR) throw std::system_error(errno, std::generic_category(), "waitpid");
        continue;
      }
      auto found = running.find(pid);
      if (found == running.end()) continue;  // not one of ours
      const RunningTask run = found->second;
      running.erase(found);
      finish_task(run, status);
      progress_due = true;
    }
  } catch (...) {
    // Leave no simulation running behind a failing sweep.
    for (const auto& entry : running) ::kill(entry.first, SIGKILL);
    for (const auto& entry : running) ::waitpid(entry.first, nullptr, 0);
    progress.finish();
    throw;
  }
  progress.finish();
  outcome.interrupted = g_interrupt_signal != 0;
  outcome.interrupt_signal = g_interrupt_signal;
  outcome.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::error_code ignored;
  fs::remove(options.work_dir, ignored);  // only succeeds when empty
  return outcome;
}

}  // namespace leptonsim
