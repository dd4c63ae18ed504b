#include "logging.h"

Q_LOGGING_CATEGORY(lcHttp, "pgha.svc.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPatroni, "pgha.svc.patroni", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPg, "pgha.svc.pg", QtWarningMsg)
Q_LOGGING_CATEGORY(lcLab, "pgha.svc.lab", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProfile, "pgha.svc.profile", QtWarningMsg)
Q_LOGGING_CATEGORY(lcActions, "pgha.svc.actions", QtInfoMsg)
Q_LOGGING_CATEGORY(lcEtcd, "pgha.svc.etcd", QtWarningMsg)
