/*
 * A PKCS#11 module that forwards every call to SoftHSM2 and adds the one thing
 * SoftHSM2 lacks: a user-PIN retry limit. SoftHSM2 only ever sets
 * CKF_USER_PIN_COUNT_LOW and never locks, so on its own it cannot show what a
 * real smartcard does (NHS cards lock after 3 wrong PINs). With this in front,
 * the smartcard code meets the real PKCS#11 results a card gives:
 *   - CKR_PIN_INCORRECT, then CKF_USER_PIN_COUNT_LOW in the token flags;
 *   - CKF_USER_PIN_FINAL_TRY when one try is left;
 *   - CKR_PIN_LOCKED and CKF_USER_PIN_LOCKED once the limit is reached.
 *
 * Test-only. Configured by environment, read at every call so tests can set a
 * card's state between sign-ins (the module is unloaded after each one):
 *   PIN_LIMIT_REAL_MODULE  path of the module to forward to (SoftHSM2)
 *   PIN_LIMIT_STATE_FILE   file holding the count of consecutive wrong PINs
 *   PIN_LIMIT_MAX          tries before the PIN locks (default 3)
 *   PIN_LIMIT_HIDE_LOCK    if "1", leave CKF_USER_PIN_LOCKED out of the flags, as
 *                          some cards do: then only C_Login says CKR_PIN_LOCKED
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pkcs11/pkcs11.h>

static CK_FUNCTION_LIST_PTR real_list = NULL;
static CK_FUNCTION_LIST shim_list;
static void *real_handle = NULL;

static unsigned long max_tries(void)
{
	const char *value = getenv("PIN_LIMIT_MAX");
	unsigned long n = value ? strtoul(value, NULL, 10) : 0;
	return n > 0 ? n : 3;
}

static unsigned long read_failures(void)
{
	const char *path = getenv("PIN_LIMIT_STATE_FILE");
	unsigned long n = 0;
	FILE *f = path ? fopen(path, "r") : NULL;
	if (f == NULL) return 0;
	if (fscanf(f, "%lu", &n) != 1) n = 0;
	fclose(f);
	return n;
}

static void write_failures(unsigned long n)
{
	const char *path = getenv("PIN_LIMIT_STATE_FILE");
	FILE *f = path ? fopen(path, "w") : NULL;
	if (f == NULL) return;
	fprintf(f, "%lu\n", n);
	fclose(f);
}

static CK_RV shim_login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len)
{
	if (user != CKU_USER) return real_list->C_Login(session, user, pin, pin_len);
	unsigned long failures = read_failures();
	if (failures >= max_tries()) return CKR_PIN_LOCKED;
	CK_RV rv = real_list->C_Login(session, user, pin, pin_len);
	if (rv == CKR_PIN_INCORRECT) write_failures(failures + 1);
	else if (rv == CKR_OK) write_failures(0);
	return rv;
}

static CK_RV shim_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info)
{
	CK_RV rv = real_list->C_GetTokenInfo(slot, info);
	if (rv != CKR_OK || !(info->flags & CKF_TOKEN_INITIALIZED)) return rv;
	unsigned long failures = read_failures();
	unsigned long limit = max_tries();
	info->flags &= ~(CK_FLAGS)(CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED);
	if (failures >= limit) {
		const char *hide = getenv("PIN_LIMIT_HIDE_LOCK");
		if (hide == NULL || strcmp(hide, "1") != 0) info->flags |= CKF_USER_PIN_LOCKED;
	} else {
		if (failures > 0) info->flags |= CKF_USER_PIN_COUNT_LOW;
		if (limit - failures == 1) info->flags |= CKF_USER_PIN_FINAL_TRY;
	}
	return rv;
}

/* Unloading this module unloads the one it forwards to, so each load starts afresh. */
__attribute__((destructor)) static void unload_real(void)
{
	if (real_handle != NULL) dlclose(real_handle);
	real_handle = NULL;
	real_list = NULL;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list)
{
	if (list == NULL) return CKR_ARGUMENTS_BAD;
	if (real_list == NULL) {
		const char *path = getenv("PIN_LIMIT_REAL_MODULE");
		if (path == NULL) return CKR_GENERAL_ERROR;
		real_handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (real_handle == NULL) return CKR_GENERAL_ERROR;
		CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(real_handle, "C_GetFunctionList");
		if (get == NULL || get(&real_list) != CKR_OK) return CKR_GENERAL_ERROR;
		memcpy(&shim_list, real_list, sizeof shim_list);
		shim_list.C_Login = shim_login;
		shim_list.C_GetTokenInfo = shim_get_token_info;
	}
	*list = &shim_list;
	return CKR_OK;
}
