#include "perfgate_pq.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libpq's functions as libpq-fe.h declares them, with its opaque types as void *. Their ABI
 * has not changed within libpq.so.5 (PostgreSQL 8.0 and later). */
static void *(*pq_connectdb_params)(const char *const *keywords, const char *const *values, int expand);
static int (*pq_status)(const void *connection);
static char *(*pq_error_message)(const void *connection);
static void (*pq_reset)(void *connection);
static void (*pq_finish)(void *connection);
static void *(*pq_exec_params)(void *connection, const char *command, int count, const unsigned int *types,
                               const char *const *values, const int *lengths, const int *formats, int result_format);
static int (*pq_result_status)(const void *result);
static char *(*pq_result_error_message)(const void *result);
static char *(*pq_result_error_field)(const void *result, int field);
static int (*pq_ntuples)(const void *result);
static int (*pq_nfields)(const void *result);
static char *(*pq_getvalue)(const void *result, int row, int column);
static int (*pq_getisnull)(const void *result, int row, int column);
static int (*pq_getlength)(const void *result, int row, int column);
static void (*pq_clear)(void *result);

/* libpq-fe.h's values. */
enum { CONNECTION_OK = 0, PGRES_COMMAND_OK = 1, PGRES_TUPLES_OK = 2, PG_DIAG_SQLSTATE = 'C' };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void *symbol(void *library, const char *name) {
    void *found = dlsym(library, name);
    if (!found && !load_error[0]) snprintf(load_error, sizeof load_error, "libpq has no %s: %s", name, dlerror());
    return found;
}

static void load(void) {
    void *library = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
    *(void **)&pq_connectdb_params = symbol(library, "PQconnectdbParams");
    *(void **)&pq_status = symbol(library, "PQstatus");
    *(void **)&pq_error_message = symbol(library, "PQerrorMessage");
    *(void **)&pq_reset = symbol(library, "PQreset");
    *(void **)&pq_finish = symbol(library, "PQfinish");
    *(void **)&pq_exec_params = symbol(library, "PQexecParams");
    *(void **)&pq_result_status = symbol(library, "PQresultStatus");
    *(void **)&pq_result_error_message = symbol(library, "PQresultErrorMessage");
    *(void **)&pq_result_error_field = symbol(library, "PQresultErrorField");
    *(void **)&pq_ntuples = symbol(library, "PQntuples");
    *(void **)&pq_nfields = symbol(library, "PQnfields");
    *(void **)&pq_getvalue = symbol(library, "PQgetvalue");
    *(void **)&pq_getisnull = symbol(library, "PQgetisnull");
    *(void **)&pq_getlength = symbol(library, "PQgetlength");
    *(void **)&pq_clear = symbol(library, "PQclear");
}

int perfgate_pq_load(char *error, size_t size) {
    pthread_once(&once, load);
    if (load_error[0]) {
        snprintf(error, size, "%s", load_error);
        return -1;
    }
    return 0;
}

void *perfgate_pq_connect(const char *uri, const char *password) {
    const char *keywords[] = {"dbname", "application_name", "password", NULL};
    const char *values[] = {uri, "perfgate", password, NULL};
    if (!password) keywords[2] = NULL;
    return pq_connectdb_params(keywords, values, 1);
}

int perfgate_pq_connected(void *connection) { return connection && pq_status(connection) == CONNECTION_OK; }
const char *perfgate_pq_connection_error(void *connection) { return connection ? pq_error_message(connection) : "out of memory"; }
void perfgate_pq_reset(void *connection) { pq_reset(connection); }
void perfgate_pq_finish(void *connection) {
    if (connection) pq_finish(connection);
}

void *perfgate_pq_exec(void *connection, const char *sql, int count, const char *const *values) {
    return pq_exec_params(connection, sql, count, NULL, values, NULL, NULL, 0);
}

int perfgate_pq_status(void *result) {
    if (!result) return 0;
    int status = pq_result_status(result);
    return status == PGRES_TUPLES_OK ? 2 : status == PGRES_COMMAND_OK ? 1 : 0;
}

const char *perfgate_pq_result_error(void *result) { return result ? pq_result_error_message(result) : "no result (out of memory, or the connection was lost)"; }
const char *perfgate_pq_sqlstate(void *result) { return result ? pq_result_error_field(result, PG_DIAG_SQLSTATE) : NULL; }
int perfgate_pq_rows(void *result) { return pq_ntuples(result); }
int perfgate_pq_columns(void *result) { return pq_nfields(result); }
const char *perfgate_pq_value(void *result, int row, int column) {
    return pq_getisnull(result, row, column) ? NULL : pq_getvalue(result, row, column);
}
int perfgate_pq_length(void *result, int row, int column) { return pq_getlength(result, row, column); }
void perfgate_pq_clear(void *result) {
    if (result) pq_clear(result);
}
