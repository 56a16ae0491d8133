// Registry of named policies with typed, range-checked parameters.
//
// Each policy kind (load balancer, later autoscaler, scheduler, ...) has one
// PolicyRegistry<Interface>. Policies are registered explicitly from
// register_all_policies() (RegisterAllPolicies.cpp), never by static
// initialisation, so a linker cannot drop them.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace leptonsim {

struct PolicyParameter {
  std::string name;
  double default_value = 0.0;
  double min_value = 0.0;   // inclusive
  double max_value = 0.0;   // inclusive
  std::string description;
};

struct PolicyInfo {
  std::string kind;         // "load_balancer", ...
  std::string name;         // "round_robin"
  std::string description;  // one line
  std::vector<PolicyParameter> parameters;
};

// Parameter values after defaults were applied and ranges checked.
class PolicyParams {
public:
  explicit PolicyParams(std::map<std::string, double> values) : values_(std::move(values)) {}
  double get(const std::string& name) const;

private:
  std::map<std::string, double> values_;
};

// Unknown policy, unknown parameter or out-of-range value; the message lists what is valid.
class PolicyError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Checks given parameter values against a policy's declared parameters and fills defaults.
PolicyParams resolve_policy_params(const PolicyInfo& info, const std::map<std::string, double>& given);

template <class Interface>
class PolicyRegistry {
public:
  using Factory = std::function<std::unique_ptr<Interface>(const PolicyParams&)>;

  explicit PolicyRegistry(std::string kind) : kind_(std::move(kind)) {}

  void add(PolicyInfo info, Factory factory) {
    info.kind = kind_;
    const std::string name = info.name;
    entries_.insert_or_assign(name, Entry{std::move(info), std::move(factory)});
  }

  const PolicyInfo& info(const std::string& name) const { return find(name).info; }

  std::unique_ptr<Interface> make(const std::string& name, const std::map<std::string, double>& given) const {
    const Entry& entry = find(name);
    return entry.factory(resolve_policy_params(entry.info, given));
  }

  // Throws PolicyError if `name` or the parameters are invalid; creates nothing.
  void check(const std::string& name, const std::map<std::string, double>& given) const {
    resolve_policy_params(find(name).info, given);
  }

  std::vector<PolicyInfo> infos() const {
    std::vector<PolicyInfo> out;
    for (const auto& [name, entry] : entries_) out.push_back(entry.info);
    return out;
  }

  const std::string& kind() const { return kind_; }

private:
  struct Entry {
    PolicyInfo info;
    Factory factory;
  };

  const Entry& find(const std::string& name) const;

  std::string kind_;
  std::map<std::string, Entry> entries_;  // ordered: deterministic listing
};

// Message for an unknown name: the nearest valid name and the full list.
std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& valid);

template <class Interface>
const typename PolicyRegistry<Interface>::Entry& PolicyRegistry<Interface>::find(const std::string& name) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::vector<std::string> valid;
    for (const auto& [n, e] : entries_) valid.push_back(n);
    throw PolicyError(unknown_name_message(kind_ + " policy", name, valid));
  }
  return it->second;
}


}  // namespace leptonsim
