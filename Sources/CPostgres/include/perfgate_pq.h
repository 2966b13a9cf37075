#ifndef PERFGATE_PQ_H
#define PERFGATE_PQ_H
#include <stddef.h>

/* libpq (PostgreSQL's own client library), loaded at run time: the binary needs it only when
 * `perfgate serve --store postgres://…` is used, so agents without libpq still run perfgate.
 * Connections and results are opaque. */

/* Loads libpq.so.5 once; 0 when it is there, else -1 with the reason in `error`. */
int perfgate_pq_load(char *error, size_t size);

/* A connection from a URI (postgres://user@host/db?sslmode=…), with a password given apart (or
 * NULL: the URI's, PGPASSWORD, ~/.pgpass, as libpq reads them). Never NULL once loaded. */
void *perfgate_pq_connect(const char *uri, const char *password);
/* 1 when the connection is up. */
int perfgate_pq_connected(void *connection);
const char *perfgate_pq_connection_error(void *connection);
void perfgate_pq_reset(void *connection);
void perfgate_pq_finish(void *connection);

/* A statement with text parameters (NULL for SQL NULL) and text results. */
void *perfgate_pq_exec(void *connection, const char *sql, int count, const char *const *values);
/* 2 rows, 1 done without rows, 0 failed. */
int perfgate_pq_status(void *result);
const char *perfgate_pq_result_error(void *result);
/* The SQLSTATE of a failure ("40001"), or NULL. */
const char *perfgate_pq_sqlstate(void *result);
int perfgate_pq_rows(void *result);
int perfgate_pq_columns(void *result);
/* NULL for SQL NULL. */
const char *perfgate_pq_value(void *result, int row, int column);
int perfgate_pq_length(void *result, int row, int column);
void perfgate_pq_clear(void *result);

#endif
