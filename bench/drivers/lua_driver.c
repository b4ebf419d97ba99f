/* Benchmark driver for Debian's liblua5.4.a: runs a small deterministic Lua
 * program (tables, strings, closures, coroutines) and prints its results. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>

static const char script[] =
    "local t = {}\n"
    "for i = 1, 20000 do t[i] = (i * 7919) % 10007 end\n"
    "table.sort(t)\n"
    "local s = 0\n"
    "for i = 1, #t, 97 do s = s + t[i] end\n"
    "print('sum', s)\n"
    "local parts = {}\n"
    "for i = 1, 2000 do parts[#parts + 1] = string.format('%x', i * i) end\n"
    "local str = table.concat(parts, ',')\n"
    "print('len', #str, str:sub(1, 24))\n"
    "local co = coroutine.wrap(function() for i = 1, 5 do coroutine.yield(i * i) end end)\n"
    "local acc = {}\n"
    "for _ = 1, 5 do acc[#acc + 1] = co() end\n"
    "print('co', table.concat(acc, ' '))\n"
    "local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end\n"
    "print('fib', fib(22))\n"
    "print(string.gsub('hello world from lua', '(%w+)', '<%1>'))\n";

int main(void)
{
	lua_State *L = luaL_newstate();
	if (!L)
		return 1;
	luaL_openlibs(L);
	int rc = luaL_dostring(L, script);
	if (rc != LUA_OK)
		printf("error: %s\n", lua_tostring(L, -1));
	lua_close(L);
	return rc == LUA_OK ? 0 : 1;
}
