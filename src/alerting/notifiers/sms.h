// The HTTP SMS gateway request, shared by the sms_configs notifier and incident SMS contacts
// (incidents.notify.sms), which render the parameters from different data.
//
//   std::map<std::string, std::string> params = {{"to", "+15550100"}, {"message", "Disk full"}};
//   http::ClientRequest req = SmsGatewayRequest(config, params, std::chrono::seconds(10));
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "config/receiver_config.h"
#include "http/client.h"

namespace osprey::alerting::notifiers {

// `c.params`, or {"to": "{{ .To }}", "message": "{{ .Message }}"} when it is empty: the
// parameter templates, each rendered with .To (the number) and .Message (the text).
std::map<std::string, std::string> SmsParamTemplates(const config::SmsConfig& c);

// The request for one message with its rendered `params`: method GET appends them to the
// URL's query string (form-encoded); otherwise (POST, PUT; empty means POST) they are the body,
// form-encoded or a JSON object per c.content_type, with its Content-Type.
http::ClientRequest SmsGatewayRequest(const config::SmsConfig& c,
                                      const std::map<std::string, std::string>& params,
                                      std::chrono::milliseconds timeout);

}  // namespace osprey::alerting::notifiers
