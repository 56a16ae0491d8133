// SlurmJob: runs a sweep as a Slurm job array. `leptonsim sweep --slurm`
// writes a batch script whose array tasks each run one shard of the sweep
// (`leptonsim sweep SPEC --shard i/N -o WORK_DIR/shard-i.db`), submits it with
// sbatch and remembers the job id; `leptonsim sweep --collect` waits until the
// job has left the queue and merges the shard files. Slurm's commands are run
// as child processes (no shell), found on PATH, and read SLURM_CONF like any
// Slurm client.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace leptonsim {

/// What to submit. Paths may be relative; they are made absolute (against the
/// current directory) in the script, because a batch job may start elsewhere.
struct SlurmArrayJob {
  std::string job_name = "leptonsim-sweep";  // sbatch --job-name
  std::string work_dir;                      // job.sh, job_id, shard-*.db and slurm-%A_%a.out; created if missing
  std::string leptonsim_binary;              // the leptonsim executable the tasks run
  std::vector<std::string> sweep_arguments;  // e.g. {"sweep", "/abs/spec.yaml"}; the script appends
                                             // --shard $SLURM_ARRAY_TASK_ID/N -o work_dir/shard-ID.db -j 1 --progress none
  std::size_t shards = 1;                    // array tasks 0..shards-1
  std::optional<std::size_t> array_max;      // at most this many tasks running at once (--array=...%K)
  std::string partition;                     // sbatch --partition, when not empty
  std::string time_limit;                    // sbatch --time (per array task), when not empty
  std::size_t cpus_per_task = 1;             // sbatch --cpus-per-task
};

/// The batch script: #SBATCH lines (job name, array, output, CPUs, and the
/// partition and time limit when given), `set -eu`, and an `exec` of
/// leptonsim with every argument single-quoted for the shell. Throws
/// std::invalid_argument for zero shards or CPUs, a zero array_max, an empty
/// binary or work directory, or a value containing a newline.
std::string slurm_job_script(const SlurmArrayJob& job);

/// Creates work_dir, writes work_dir/job.sh, runs `sbatch --parsable
/// work_dir/job.sh`, writes the job id to work_dir/job_id and returns it.
/// Throws std::runtime_error with sbatch's error output when it fails.
std::string submit_slurm_array(const SlurmArrayJob& job);

/// The job id stored by submit_slurm_array. Throws std::runtime_error when
/// work_dir/job_id is missing or empty.
std::string read_slurm_job_id(const std::string& work_dir);

/// True while any task of the job is pending, running or completing
/// (`squeue -h -r -j ID` lists it); false once the job has finished, whether
/// squeue still remembers it or answers "Invalid job id specified" because it
/// was purged. Other squeue failures throw std::runtime_error.
bool is_slurm_job_active(const std::string& job_id);

/// Polls squeue every poll_seconds until the job is no longer active. Calls
/// on_status with a line such as "Slurm job 1234: 2 running, 4 pending"
/// whenever that line changes, and once with "... finished" at the end. A
/// squeue failure is retried on the next poll; five failures in a row throw.
void wait_for_slurm_job(const std::string& job_id, double poll_seconds,
                        const std::function<void(const std::string& status_line)>& on_status);

/// work_dir/shard-<number>.db files, sorted by shard number (shard-2 before
/// shard-10). Other files are ignored; a missing work_dir gives none.
std::vector<std::string> slurm_shard_files(const std::string& work_dir);

}  // namespace leptonsim
