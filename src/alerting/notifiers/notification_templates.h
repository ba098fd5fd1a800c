// The template set notifications are rendered with: Osprey's defaults (default_templates.h),
// then the user's files from the config's `templates:` globs, with Go's text/template functions
// (tmpl/funcs.h) and the methods of the template data types (template_data.h).
//
//   OSPREY_ASSIGN_OR_RETURN(auto templates, NotificationTemplates::Load(config.templates));
//   OSPREY_ASSIGN_OR_RETURN(std::string subject,
//                           templates->Render(R"({{ template "__subject" . }})", dot));
//
// Thread-safe; shared (shared_ptr) by every notifier of a config generation.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "tmpl/template.h"

namespace osprey::alerting::notifiers {

class NotificationTemplates {
 public:
  // Reads every file matching each glob (in the glob's sorted order; a glob matching nothing
  // is not an error, as in Alertmanager). kInvalidArgument naming the file on a parse error,
  // kUnavailable when a file cannot be read.
  static Result<std::shared_ptr<const NotificationTemplates>> Load(
      std::span<const std::string> globs);
  // Same with (name, text) pairs instead of files.
  static Result<std::shared_ptr<const NotificationTemplates>> FromTexts(
      std::vector<std::pair<std::string, std::string>> files);

  // Expands `text` (a config field's template source) with `dot`. Each distinct text is parsed
  // once, then cached. Text without "{{" is returned as is. kHtml escapes printed values as
  // Alertmanager's html/template does (only for the email `html` field).
  Result<std::string> Render(std::string_view text, const tmpl::Value& dot,
                             tmpl::Template::Escaping escaping =
                                 tmpl::Template::Escaping::kNone) const OSPREY_EXCLUDES(mu_);

  NotificationTemplates(const NotificationTemplates&) = delete;
  NotificationTemplates& operator=(const NotificationTemplates&) = delete;

 private:
  NotificationTemplates();
  Result<std::shared_ptr<const tmpl::Template>> Parsed(std::string_view text) const
      OSPREY_EXCLUDES(mu_);

  tmpl::FuncMap funcs_;
  // (name, text): the defaults first, then the user's files. Fixed after construction.
  std::vector<std::pair<std::string, std::string>> files_;
  mutable Mutex mu_;
  // Field text -> its parsed set. Bounded: texts come from the config.
  mutable std::map<std::string, std::shared_ptr<const tmpl::Template>, std::less<>> cache_
      OSPREY_GUARDED_BY(mu_);
};

}  // namespace osprey::alerting::notifiers
