// Optimizers by name with JSON hyper-parameters (the keys of config()), for cli and files.
// Values are checked by the optimizers' own constructors.
#include "lrtune/optim/factory.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lrtune/core/error.hpp"
#include "lrtune/optim/adagrad.hpp"
#include "lrtune/optim/adam.hpp"
#include "lrtune/optim/rmsprop.hpp"
#include "lrtune/optim/sgd.hpp"

namespace lrtune {
namespace {

// Reads the known keys of `json` into fields; an unknown key or a wrong type throws.
class Reader {
 public:
  Reader(std::string_view optimizer, const nlohmann::json& json) : optimizer_(optimizer), json_(json) {
    if (!json_.is_object()) {
      throw UsageError(fmt::format("{}: hyper-parameters must be a JSON object, got {}", optimizer_, json_.dump()));
    }
  }
  void number(const char* key, double& field) {
    known_.push_back(key);
    if (auto it = json_.find(key); it != json_.end()) {
      if (!it->is_number()) throw bad_type(key, "a number");
      field = it->get<double>();
    }
  }
  void boolean(const char* key, bool& field) {
    known_.push_back(key);
    if (auto it = json_.find(key); it != json_.end()) {
      if (!it->is_boolean()) throw bad_type(key, "true or false");
      field = it->get<bool>();
    }
  }
  // Call after reading every key: rejects the keys nobody read.
  void finish(UpdateForm form) const {
    // config() carries name and update_form: accepted when they agree with the request.
    if (auto it = json_.find("name"); it != json_.end() && *it != optimizer_) {
      throw UsageError(fmt::format("{}: hyper-parameters name another optimizer ({})", optimizer_, it->dump()));
    }
    if (auto it = json_.find("update_form"); it != json_.end() && *it != update_form_name(form)) {
      throw UsageError(fmt::format("{}: hyper-parameters say update_form {} but {} was asked for", optimizer_,
                                   it->dump(), update_form_name(form)));
    }
    for (const auto& [key, value] : json_.items()) {
      if (key == "name" || key == "update_form") continue;
      if (std::find(known_.begin(), known_.end(), key) == known_.end()) {
        throw UsageError(
            fmt::format("{}: unknown hyper-parameter '{}'; valid: {}", optimizer_, key, fmt::join(known_, ", ")));
      }
    }
  }

 private:
  UsageError bad_type(const char* key, const char* what) const {
    return UsageError(
        fmt::format("{}: hyper-parameter '{}' = {} must be {}", optimizer_, key, json_.at(key).dump(), what));
  }
  std::string_view optimizer_;
  const nlohmann::json& json_;
  std::vector<std::string> known_;
};

using Maker = std::function<std::unique_ptr<Optimizer>(UpdateForm, const nlohmann::json&)>;

const std::map<std::string, Maker>& makers() {
  static const std::map<std::string, Maker> table = {
      {"adagrad",
       [](UpdateForm form, const nlohmann::json& j) -> std::unique_ptr<Optimizer> {
         auto o = AdagradOptions::defaults(form);
         Reader r("adagrad", j);
         r.number("learning_rate", o.learning_rate);
         r.number("initial_accumulator_value", o.initial_accumulator_value);
         r.number("epsilon", o.epsilon);
         if (form == UpdateForm::pytorch) r.number("lr_decay", o.lr_decay);
         r.finish(form);
         return std::make_unique<Adagrad>(o);
       }},
      {"adam",
       [](UpdateForm form, const nlohmann::json& j) -> std::unique_ptr<Optimizer> {
         auto o = AdamOptions::defaults(form);
         Reader r("adam", j);
         r.number("learning_rate", o.learning_rate);
         r.number("beta_1", o.beta_1);
         r.number("beta_2", o.beta_2);
         r.number("epsilon", o.epsilon);
         r.boolean("amsgrad", o.amsgrad);
         r.finish(form);
         return std::make_unique<Adam>(o);
       }},
      {"adamw",
       [](UpdateForm form, const nlohmann::json& j) -> std::unique_ptr<Optimizer> {
         auto o = AdamWOptions::defaults(form);
         Reader r("adamw", j);
         r.number("learning_rate", o.learning_rate);
         r.number("beta_1", o.beta_1);
         r.number("beta_2", o.beta_2);
         r.number("epsilon", o.epsilon);
         r.boolean("amsgrad", o.amsgrad);
         r.number("weight_decay", o.weight_decay);
         r.finish(form);
         return std::make_unique<AdamW>(o);
       }},
      {"rmsprop",
       [](UpdateForm form, const nlohmann::json& j) -> std::unique_ptr<Optimizer> {
         auto o = RmspropOptions::defaults(form);
         Reader r("rmsprop", j);
         r.number("learning_rate", o.learning_rate);
         r.number("rho", o.rho);
         r.number("momentum", o.momentum);
         r.number("epsilon", o.epsilon);
         r.boolean("centered", o.centered);
         r.finish(form);
         return std::make_unique<Rmsprop>(o);
       }},
      {"sgd",
       [](UpdateForm form, const nlohmann::json& j) -> std::unique_ptr<Optimizer> {
         auto o = SgdOptions::defaults(form);
         Reader r("sgd", j);
         r.number("learning_rate", o.learning_rate);
         r.number("momentum", o.momentum);
         r.boolean("nesterov", o.nesterov);
         if (form == UpdateForm::pytorch) r.number("dampening", o.dampening);
         r.finish(form);
         return std::make_unique<Sgd>(o);
       }},
  };
  return table;
}

}  // namespace

std::vector<std::string> optimizer_names() {
  std::vector<std::string> names;
  for (const auto& [name, maker] : makers()) names.push_back(name);
  return names;
}

std::unique_ptr<Optimizer> make_optimizer(std::string_view name, UpdateForm form,
                                          const nlohmann::json& hyper_parameters) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto it = makers().find(key);
  if (it == makers().end()) {
    throw UsageError(fmt::format("optimizer '{}' is unknown; valid: {}", name, fmt::join(optimizer_names(), ", ")));
  }
  return it->second(form, hyper_parameters);
}

std::unique_ptr<Optimizer> make_optimizer_from_config(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("name") || !config["name"].is_string()) {
    throw UsageError("optimizer config must be a JSON object with a string 'name'; valid names: " +
                     fmt::format("{}", fmt::join(optimizer_names(), ", ")));
  }
  const UpdateForm form = config.contains("update_form")
                              ? update_form_from_name(config["update_form"].get<std::string>())
                              : UpdateForm::keras;
  return make_optimizer(config["name"].get<std::string>(), form, config);
}

}  // namespace lrtune
