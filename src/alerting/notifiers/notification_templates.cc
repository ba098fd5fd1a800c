#include "alerting/notifiers/notification_templates.h"

#include <glob.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "alerting/default_templates.h"
#include "alerting/template_data.h"
#include "tmpl/funcs.h"

namespace osprey::alerting::notifiers {
namespace {

// Name of the field text inside each parsed set; the library files get their own names.
constexpr std::string_view kFieldName = "field";

}  // namespace

NotificationTemplates::NotificationTemplates() {
  funcs_ = tmpl::BuiltinFuncs();
  tmpl::AddAlertmanagerFuncs(&funcs_);
  AddNotificationFuncs(&funcs_);
}

Result<std::shared_ptr<const NotificationTemplates>> NotificationTemplates::FromTexts(
    std::vector<std::pair<std::string, std::string>> files) {
  std::shared_ptr<NotificationTemplates> t(new NotificationTemplates());
  t->files_.emplace_back("default.tmpl", std::string(DefaultNotificationTemplates()));
  for (auto& f : files) t->files_.push_back(std::move(f));
  // Parse the library once now, so that a broken user file fails the config load rather than
  // every notification.
  OSPREY_ASSIGN_OR_RETURN(auto parsed, t->Parsed(""));
  (void)parsed;
  return std::shared_ptr<const NotificationTemplates>(std::move(t));
}

Result<std::shared_ptr<const NotificationTemplates>> NotificationTemplates::Load(
    std::span<const std::string> globs) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& pattern : globs) {
    glob_t g{};
    const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
    std::vector<std::string> paths;
    if (rc == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (rc != 0 && rc != GLOB_NOMATCH) {
      return InvalidArgumentError(
          std::string("invalid template glob \"").append(pattern).append("\""));
    }
    std::sort(paths.begin(), paths.end());
    for (const std::string& path : paths) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return UnavailableError(std::string("unable to read template file ").append(path));
      std::stringstream ss;
      ss << in.rdbuf();
      files.emplace_back(path, ss.str());
    }
  }
  return FromTexts(std::move(files));
}

Result<std::shared_ptr<const tmpl::Template>> NotificationTemplates::Parsed(
    std::string_view text) const {
  {
    MutexLock lock(mu_);
    auto it = cache_.find(text);
    if (it != cache_.end()) return it->second;
  }
  // Parsed outside the lock: two threads may parse the same text once each; the first stored
  // wins. The library files come first so that the field text sees every define.
  OSPREY_ASSIGN_OR_RETURN(tmpl::Template t,
                          tmpl::Template::Parse(files_[0].first, files_[0].second, funcs_,
                                                // As Alertmanager: a missing key is "".
                                                tmpl::Template::Options{.missing_key_zero = true}));
  for (size_t i = 1; i < files_.size(); ++i) {
    OSPREY_RETURN_IF_ERROR(t.Add(files_[i].first, files_[i].second));
  }
  OSPREY_RETURN_IF_ERROR(t.Add(kFieldName, text));
  auto shared = std::make_shared<const tmpl::Template>(std::move(t));
  MutexLock lock(mu_);
  return cache_.emplace(std::string(text), std::move(shared)).first->second;
}

Result<std::string> NotificationTemplates::Render(std::string_view text, const tmpl::Value& dot,
                                                  tmpl::Template::Escaping escaping) const {
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  OSPREY_ASSIGN_OR_RETURN(auto t, Parsed(text));
  return t->ExecuteTemplate(kFieldName, dot, escaping);
}

}  // namespace osprey::alerting::notifiers
