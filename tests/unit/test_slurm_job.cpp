// SlurmJob: the batch script text, and submission / queue polling against fake
// sbatch and squeue programs that the tests put first on PATH.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "SlurmJob.hpp"

namespace fs = std::filesystem;
using namespace leptonsim;

namespace {

std::string read_text(const fs::path& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// A fresh temporary directory, removed with everything in it.
struct TemporaryDirectory {
  fs::path path;
  TemporaryDirectory() {
    std::string pattern = (fs::temp_directory_path() / "leptonsim-slurm-test-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TemporaryDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// Puts a directory of fake Slurm commands first on PATH for the test's lifetime.
struct FakeSlurmCommands {
  TemporaryDirectory bin;
  std::string saved_path;
  FakeSlurmCommands() {
    saved_path = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (bin.path.string() + ":" + saved_path).c_str(), 1);
  }
  ~FakeSlurmCommands() { ::setenv("PATH", saved_path.c_str(), 1); }
  void add(const std::string& name, const std::string& body) {
    const fs::path file = bin.path / name;
    std::ofstream(file) << "#!/bin/sh\n" << body;
    ::chmod(file.c_str(), 0755);
  }
};

SlurmArrayJob example_job() {
  SlurmArrayJob job;
  job.job_name = "replicas-vs-rate";
  job.work_dir = "/data/sweeps/out.db.slurm";
  job.leptonsim_binary = "/opt/leptonsim/bin/leptonsim";
  job.sweep_arguments = {"sweep", "/data/sweeps/spec.yaml"};
  job.shards = 8;
  return job;
}

}  // namespace

TEST_CASE("the job script runs one shard per array task", "[slurm]") {
  const std::string script = slurm_job_script(example_job());
  const std::string expected =
      "#!/bin/bash\n"
      "#SBATCH --job-name=\"replicas-vs-rate\"\n"
      "#SBATCH --array=0-7\n"
      "#SBATCH --output=\"/data/sweeps/out.db.slurm/slurm-%A_%a.out\"\n"
      "#SBATCH --cpus-per-task=1\n"
      "# Written by leptonsim sweep --slurm: array task i runs shard i of 8 and writes shard-i.db here;\n"
      "# leptonsim sweep --collect merges them.\n"
      "set -eu\n"
      "exec '/opt/leptonsim/bin/leptonsim' 'sweep' '/data/sweeps/spec.yaml'"
      " --shard \"${SLURM_ARRAY_TASK_ID}/8\""
      " -o '/data/sweeps/out.db.slurm/shard-'\"${SLURM_ARRAY_TASK_ID}\"'.db' -j 1 --progress none\n";
  CHECK(script == expected);
}

TEST_CASE("the job script adds the array limit, partition and time only when given", "[slurm]") {
  SlurmArrayJob job = example_job();
  job.array_max = 3;
  job.partition = "batch";
  job.time_limit = "02:00:00";
  const std::string script = slurm_job_script(job);
  CHECK(script.find("#SBATCH --array=0-7%3\n") != std::string::npos);
  CHECK(script.find("#SBATCH --partition=\"batch\"\n") != std::string::npos);
  CHECK(script.find("#SBATCH --time=\"02:00:00\"\n") != std::string::npos);

  const std::string plain = slurm_job_script(example_job());
  CHECK(plain.find("%3") == std::string::npos);
  CHECK(plain.find("--partition") == std::string::npos);
  CHECK(plain.find("--time") == std::string::npos);

  job.shards = 1;
  job.array_max.reset();
  CHECK(slurm_job_script(job).find("#SBATCH --array=0-0\n") != std::string::npos);
}

TEST_CASE("the job script quotes paths with spaces, quotes and percent signs", "[slurm]") {
  SlurmArrayJob job = example_job();
  job.work_dir = "/data/it's 100% mine/out.db.slurm";
  job.sweep_arguments = {"sweep", "/data/it's 100% mine/spec $HOME.yaml"};
  const std::string script = slurm_job_script(job);
  // Shell words: single-quoted, a single quote written as '\''.
  CHECK(script.find(" 'sweep' '/data/it'\\''s 100% mine/spec $HOME.yaml' ") != std::string::npos);
  CHECK(script.find(" -o '/data/it'\\''s 100% mine/out.db.slurm/shard-'\"${SLURM_ARRAY_TASK_ID}\"'.db' ") !=
        std::string::npos);
  // sbatch's own line: double quotes, and %% for a literal percent sign.
  CHECK(script.find("#SBATCH --output=\"/data/it's 100%% mine/out.db.slurm/slurm-%A_%a.out\"\n") !=
        std::string::npos);

  job.job_name = "say \"hi\"";
  CHECK(slurm_job_script(job).find("#SBATCH --job-name=\"say \\\"hi\\\"\"\n") != std::string::npos);
}

TEST_CASE("the job script runs in a shell exactly the arguments it was given", "[slurm]") {
  TemporaryDirectory temp;
  // The "binary" prints its arguments one per line.
  const fs::path printer = temp.path / "print args";
  std::ofstream(printer) << "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n";
  ::chmod(printer.c_str(), 0755);

  SlurmArrayJob job = example_job();
  job.leptonsim_binary = printer.string();
  job.work_dir = (temp.path / "a 'b' $c").string();
  job.sweep_arguments = {"sweep", "x\"y'z `w` \\"};
  job.shards = 3;
  const fs::path script_path = temp.path / "job.sh";
  std::ofstream(script_path) << slurm_job_script(job);
  const fs::path output = temp.path / "out.txt";
  const std::string command = "SLURM_ARRAY_TASK_ID=2 /bin/bash '" + script_path.string() + "' > '" + output.string() + "'";
  REQUIRE(std::system(command.c_str()) == 0);
  CHECK(read_text(output) == "sweep\nx\"y'z `w` \\\n--shard\n2/3\n-o\n" + job.work_dir +
                                 "/shard-2.db\n-j\n1\n--progress\nnone\n");
}

TEST_CASE("the job script rejects what Slurm cannot run", "[slurm]") {
  SlurmArrayJob job = example_job();
  job.shards = 0;
  CHECK_THROWS_AS(slurm_job_script(job), std::invalid_argument);
  job = example_job();
  job.array_max = 0;
  CHECK_THROWS_AS(slurm_job_script(job), std::invalid_argument);
  job = example_job();
  job.partition = "a\nb";
  CHECK_THROWS_AS(slurm_job_script(job), std::invalid_argument);
}

TEST_CASE("submitting runs sbatch --parsable on work_dir/job.sh and keeps the job id", "[slurm]") {
  FakeSlurmCommands fake;
  TemporaryDirectory temp;
  const fs::path args_file = temp.path / "sbatch-args";
  fake.add("sbatch", "printf '%s\\n' \"$@\" > '" + args_file.string() + "'\necho 1234\n");

  SlurmArrayJob job = example_job();
  job.work_dir = (temp.path / "out.db.slurm").string();  // does not exist yet
  const std::string job_id = submit_slurm_array(job);
  CHECK(job_id == "1234");
  CHECK(read_text(args_file) == "--parsable\n" + job.work_dir + "/job.sh\n");
  CHECK(read_text(fs::path(job.work_dir) / "job.sh") == slurm_job_script(job));
  CHECK(read_text(fs::path(job.work_dir) / "job_id") == "1234\n");
  CHECK(read_slurm_job_id(job.work_dir) == "1234");
}

TEST_CASE("a federated sbatch answer of id and cluster gives the id", "[slurm]") {
  FakeSlurmCommands fake;
  TemporaryDirectory temp;
  fake.add("sbatch", "echo '77;cluster-a'\n");
  SlurmArrayJob job = example_job();
  job.work_dir = temp.path.string();
  CHECK(submit_slurm_array(job) == "77");
}

TEST_CASE("a failing sbatch throws with its error message", "[slurm]") {
  FakeSlurmCommands fake;
  TemporaryDirectory temp;
  fake.add("sbatch", "echo 'sbatch: error: invalid partition specified: nope' >&2\nexit 1\n");
  SlurmArrayJob job = example_job();
  job.work_dir = temp.path.string();
  try {
    submit_slurm_array(job);
    FAIL("sbatch failed but submit_slurm_array did not throw");
  } catch (const std::runtime_error& error) {
    CHECK(std::string(error.what()).find("invalid partition specified: nope") != std::string::npos);
  }
  CHECK_FALSE(fs::exists(temp.path / "job_id"));
  CHECK_THROWS_AS(read_slurm_job_id(temp.path.string()), std::runtime_error);
}

TEST_CASE("a missing sbatch is reported as such", "[slurm]") {
  TemporaryDirectory empty_bin;
  const std::string saved_path = std::getenv("PATH");
  ::setenv("PATH", empty_bin.path.c_str(), 1);
  TemporaryDirectory temp;
  SlurmArrayJob job = example_job();
  job.work_dir = temp.path.string();
  std::string message;
  try {
    submit_slurm_array(job);
  } catch (const std::runtime_error& error) {
    message = error.what();
  }
  ::setenv("PATH", saved_path.c_str(), 1);
  CHECK(message.find("cannot run sbatch") != std::string::npos);
}

TEST_CASE("a job is active while squeue lists it", "[slurm]") {
  FakeSlurmCommands fake;
  fake.add("squeue", "echo RUNNING\necho PENDING\n");
  CHECK(is_slurm_job_active("1234"));

  fake.add("squeue", "exit 0\n");  // finished, still remembered: nothing in PD/R/CG
  CHECK_FALSE(is_slurm_job_active("1234"));

  fake.add("squeue", "echo 'slurm_load_jobs error: Invalid job id specified' >&2\nexit 1\n");  // purged
  CHECK_FALSE(is_slurm_job_active("1234"));

  fake.add("squeue", "echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2\nexit 1\n");
  CHECK_THROWS_WITH(is_slurm_job_active("1234"), Catch::Contains("Unable to contact slurm controller"));
}

TEST_CASE("waiting polls squeue until the job has left the queue", "[slurm]") {
  FakeSlurmCommands fake;
  TemporaryDirectory temp;
  const fs::path calls = temp.path / "calls";
  const fs::path args_file = temp.path / "squeue-args";
  // Call 1: two running and one pending; call 2: one running; then empty.
  fake.add("squeue", "printf '%s\\n' \"$@\" > '" + args_file.string() + "'\n" +
                         "echo x >> '" + calls.string() + "'\n" +
                         "n=$(wc -l < '" + calls.string() + "')\n" +
                         "if [ \"$n\" -eq 1 ]; then echo RUNNING; echo PENDING; echo RUNNING; fi\n"
                         "if [ \"$n\" -eq 2 ]; then echo RUNNING; fi\n");
  std::vector<std::string> lines;
  wait_for_slurm_job("42", 0.01, [&](const std::string& line) { lines.push_back(line); });
  CHECK(lines == std::vector<std::string>{"Slurm job 42: 1 pending, 2 running", "Slurm job 42: 1 running",
                                          "Slurm job 42: finished"});
  CHECK(read_text(calls) == "x\nx\nx\n");
  CHECK(read_text(args_file) == "-h\n-r\n-j\n42\n-o\n%T\n");
}

TEST_CASE("waiting gives up after repeated squeue failures", "[slurm]") {
  FakeSlurmCommands fake;
  fake.add("squeue", "echo 'Socket timed out' >&2\nexit 1\n");
  int status_calls = 0;
  CHECK_THROWS_WITH(wait_for_slurm_job("42", 0.01, [&](const std::string&) { ++status_calls; }),
                    Catch::Contains("Socket timed out"));
  CHECK(status_calls == 4);  // one "retrying" line per failure before the fifth
}

TEST_CASE("shard files are listed in shard order", "[slurm]") {
  TemporaryDirectory temp;
  for (const char* name : {"shard-10.db", "shard-2.db", "shard-0.db", "shard-x.db", "shard-3.db.tmp", "job.sh"})
    std::ofstream(temp.path / name) << "x";
  fs::create_directory(temp.path / "shard-4.db");  // not a file
  CHECK(slurm_shard_files(temp.path.string()) ==
        std::vector<std::string>{(temp.path / "shard-0.db").string(), (temp.path / "shard-2.db").string(),
                                 (temp.path / "shard-10.db").string()});
  CHECK(slurm_shard_files((temp.path / "missing").string()).empty());
}
