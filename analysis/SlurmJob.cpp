#include "SlurmJob.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace leptonsim {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = 0;  // 128 + signal number when the command was killed
  std::string standard_output;
  std::string standard_error;
};

// A file descriptor closed when it goes out of scope.
class FileDescriptor {
 public:
  FileDescriptor() = default;
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() { reset(); }
  int get() const { return fd_; }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

// Both ends close on exec, so a child keeps only what it dup2()s.
struct Pipe {
  FileDescriptor read_end, write_end;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
};

// Runs argv[0] (looked up on PATH) with stdin from /dev/null and collects its
// output. No shell is involved, so arguments need no quoting. Throws when the
// program cannot be started at all (not installed, not executable).
CommandResult run_command(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);

  Pipe out, err;
  Pipe exec_error;  // carries errno when execvp fails; closes on success

  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Only async-signal-safe calls between fork and exec.
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out.write_end.get(), STDOUT_FILENO);
    ::dup2(err.write_end.get(), STDERR_FILENO);
    ::execvp(argv[0], argv.data());
    const int error = errno;
    [[maybe_unused]] auto written = ::write(exec_error.write_end.get(), &error, sizeof error);
    ::_exit(127);
  }
  out.write_end.reset();
  err.write_end.reset();
  exec_error.write_end.reset();

  CommandResult result;
  pollfd fds[2] = {{out.read_end.get(), POLLIN, 0}, {err.read_end.get(), POLLIN, 0}};
  std::string* sinks[2] = {&result.standard_output, &result.standard_error};
  int open_streams = 2;
  char buffer[4096];
  while (open_streams > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        sinks[i]->append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // end of stream: poll ignores negative descriptors
        --open_streams;
      }
    }
  }

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int exec_errno = 0;
  if (::read(exec_error.read_end.get(), &exec_errno, sizeof exec_errno) == sizeof exec_errno) {
    throw std::runtime_error("cannot run " + arguments.front() + ": " + std::strerror(exec_errno) +
                             " (is Slurm installed and on PATH?)");
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

// A word for a POSIX shell: single quotes keep everything literal; a single
// quote itself ends the quoting, is escaped, and quoting resumes.
std::string shell_quote(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

// A value on an #SBATCH line: sbatch reads double quotes (keeping spaces) and
// backslash escapes inside them. A line cannot hold a newline.
std::string sbatch_quote(const std::string& what, const std::string& value) {
  if (value.find_first_of("\n\r") != std::string::npos)
    throw std::invalid_argument("Slurm job " + what + " must not contain a newline: " + value);
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

// In sbatch's --output pattern '%' starts a replacement (%A, %a); "%%" is a
// literal percent sign.
std::string escape_percent(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    escaped += c;
    if (c == '%') escaped += '%';
  }
  return escaped;
}

std::string absolute_path(const std::string& path) { return fs::absolute(fs::path(path)).lexically_normal().string(); }

void check_job(const SlurmArrayJob& job) {
  if (job.shards == 0) throw std::invalid_argument("a Slurm job array needs at least one shard");
  if (job.cpus_per_task == 0) throw std::invalid_argument("a Slurm job needs at least one CPU per task");
  if (job.array_max && *job.array_max == 0)
    throw std::invalid_argument("the Slurm array limit (--array-max) must be at least 1");
  if (job.work_dir.empty()) throw std::invalid_argument("the Slurm work directory is empty");
  if (job.leptonsim_binary.empty()) throw std::invalid_argument("the leptonsim binary path is empty");
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw std::runtime_error("cannot write " + path.string());
}

// Task states of a job, one per array task (squeue -r); nullopt when squeue no
// longer knows the job id (finished and purged).
std::optional<std::vector<std::string>> slurm_task_states(const std::string& job_id) {
  const CommandResult result = run_command({"squeue", "-h", "-r", "-j", job_id, "-o", "%T"});
  if (result.exit_code != 0) {
    if (result.standard_error.find("Invalid job id specified") != std::string::npos) return std::nullopt;
    throw std::runtime_error("squeue -j " + job_id + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + trim(result.standard_error));
  }
  std::vector<std::string> states;
  std::istringstream lines(result.standard_output);
  for (std::string line; std::getline(lines, line);) {
    line = trim(line);
    if (!line.empty()) states.push_back(line);
  }
  return states;
}

std::string status_line(const std::string& job_id, const std::vector<std::string>& states) {
  if (states.empty()) return "Slurm job " + job_id + ": finished";
  std::map<std::string, std::size_t> counts;
  for (const auto& state : states) ++counts[state];
  std::string line = "Slurm job " + job_id + ":";
  const char* separator = " ";
  for (const auto& [state, count] : counts) {
    std::string name = state;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    line += separator + std::to_string(count) + " " + name;
    separator = ", ";
  }
  return line;
}

}  // namespace

std::string slurm_job_script(const SlurmArrayJob& job) {
  check_job(job);
  const std::string work_dir = absolute_path(job.work_dir);
  const std::string shards = std::to_string(job.shards);

  std::string array = "0-" + std::to_string(job.shards - 1);
  if (job.array_max) array += "%" + std::to_string(*job.array_max);

  std::ostringstream script;
  script << "#!/bin/bash\n";
  script << "#SBATCH --job-name=" << sbatch_quote("name", job.job_name) << "\n";
  script << "#SBATCH --array=" << array << "\n";
  script << "#SBATCH --output=" << sbatch_quote("work directory", escape_percent(work_dir) + "/slurm-%A_%a.out")
         << "\n";
  script << "#SBATCH --cpus-per-task=" << job.cpus_per_task << "\n";
  if (!job.partition.empty()) script << "#SBATCH --partition=" << sbatch_quote("partition", job.partition) << "\n";
  if (!job.time_limit.empty()) script << "#SBATCH --time=" << sbatch_quote("time limit", job.time_limit) << "\n";
  script << "# Written by leptonsim sweep --slurm: array task i runs shard i of " << shards
         << " and writes shard-i.db here;\n"
            "# leptonsim sweep --collect merges them.\n";
  script << "set -eu\n";
  script << "exec " << shell_quote(absolute_path(job.leptonsim_binary));
  for (const auto& argument : job.sweep_arguments) script << " " << shell_quote(argument);
  script << " --shard \"${SLURM_ARRAY_TASK_ID}/" << shards << "\"";
  script << " -o " << shell_quote(work_dir + "/shard-") << "\"${SLURM_ARRAY_TASK_ID}\"" << shell_quote(".db");
  script << " -j " << job.cpus_per_task << " --progress none\n";
  return script.str();
}

std::string submit_slurm_array(const SlurmArrayJob& job) {
  const std::string script = slurm_job_script(job);
  const fs::path work_dir = absolute_path(job.work_dir);
  std::error_code error;
  fs::create_directories(work_dir, error);
  if (error) throw std::runtime_error("cannot create " + work_dir.string() + ": " + error.message());

  const fs::path script_path = work_dir / "job.sh";
  write_file(script_path, script);
  fs::permissions(script_path, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add, error);

  const CommandResult result = run_command({"sbatch", "--parsable", script_path.string()});
  if (result.exit_code != 0) {
    throw std::runtime_error("sbatch " + script_path.string() + " failed (exit " + std::to_string(result.exit_code) +
                             "): " + trim(result.standard_error + "\n" + result.standard_output));
  }
  // --parsable prints "JOBID" or "JOBID;CLUSTER".
  const std::string output = trim(result.standard_output);
  const std::string job_id = output.substr(0, output.find(';'));
  if (job_id.empty() || !std::all_of(job_id.begin(), job_id.end(), [](unsigned char c) { return std::isdigit(c); }))
    throw std::runtime_error("sbatch printed no job id: '" + output + "' " + trim(result.standard_error));
  write_file(work_dir / "job_id", job_id + "\n");
  return job_id;
}

std::string read_slurm_job_id(const std::string& work_dir) {
  const fs::path path = fs::path(work_dir) / "job_id";
  std::ifstream file(path);
  std::string job_id;
  if (!file || !std::getline(file, job_id) || trim(job_id).empty())
    throw std::runtime_error("no Slurm job id in " + path.string() + " (was the sweep submitted with --slurm?)");
  return trim(job_id);
}

bool is_slurm_job_active(const std::string& job_id) {
  const auto states = slurm_task_states(job_id);
  return states && !states->empty();
}

void wait_for_slurm_job(const std::string& job_id, double poll_seconds,
                        const std::function<void(const std::string& status_line)>& on_status) {
  constexpr int kMaxFailuresInARow = 5;
  const auto poll_interval = std::chrono::duration<double>(std::max(poll_seconds, 0.01));
  int failures_in_a_row = 0;
  std::string last_line;
  for (;;) {
    std::optional<std::vector<std::string>> states;
    try {
      states = slurm_task_states(job_id);
      failures_in_a_row = 0;
    } catch (const std::runtime_error& error) {
      // slurmctld may be briefly unreachable (restart, overload): try again.
      if (++failures_in_a_row >= kMaxFailuresInARow) throw;
      if (on_status) on_status("Slurm job " + job_id + ": " + error.what() + " (retrying)");
      std::this_thread::sleep_for(poll_interval);
      continue;
    }
    const std::vector<std::string> active = states ? *states : std::vector<std::string>{};
    const std::string line = status_line(job_id, active);
    if (on_status && line != last_line) on_status(line);
    last_line = line;
    if (active.empty()) return;
    std::this_thread::sleep_for(poll_interval);
  }
}

std::vector<std::string> slurm_shard_files(const std::string& work_dir) {
  static const std::regex shard_name(R"(shard-([0-9]+)\.db)");
  std::vector<std::pair<unsigned long long, std::string>> shards;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(work_dir, error)) {
    std::smatch match;
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && std::regex_match(name, match, shard_name))
      shards.emplace_back(std::stoull(match[1].str()), entry.path().string());
  }
  std::sort(shards.begin(), shards.end());
  std::vector<std::string> files;
  for (auto& shard : shards) files.push_back(std::move(shard.second));
  return files;
}

}  // namespace leptonsim
