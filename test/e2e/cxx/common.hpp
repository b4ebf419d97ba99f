// Shared by both translation units of the C++ end-to-end driver, so that
// every inline function, template instantiation, vtable and typeinfo below is
// emitted as a COMDAT group in *both* objects (and some also in pugixml's
// own object), and the loader must keep exactly one copy of each.
#pragma once
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <typeinfo>
#include <vector>

#include <pugixml.hpp>

// A registry in an inline function's static local: GNU unique symbol
// (STB_GNU_UNIQUE) that both objects must resolve to one object.
inline std::vector<std::string> &registry()
{
	static std::vector<std::string> r;
	return r;
}

// A template static data member: also unique across objects.
template <typename T> struct Counter {
	static int count;
	static int bump() { return ++count; }
};
template <typename T> int Counter<T>::count = 100;

struct Shape {
	virtual ~Shape() {}
	virtual double area() const = 0;
	virtual std::string name() const { return "shape"; }
};

struct Rect : Shape {
	double w, h;
	Rect(double w_, double h_) : w(w_), h(h_) { Counter<Rect>::bump(); }
	double area() const override { return w * h; }
	std::string name() const override { return "rect"; }
};

struct Square final : Rect {
	explicit Square(double s) : Rect(s, s) {}
	std::string name() const override { return "square"; }
};

// A walker subclass: its vtable points into pugixml's xml_tree_walker
// typeinfo (a COMDAT that pugixml's object carries too).
struct CountingWalker : pugi::xml_tree_walker {
	std::map<std::string, int> seen;
	bool for_each(pugi::xml_node &n) override
	{
		if (n.type() == pugi::node_element)
			seen[n.name()]++;
		return true;
	}
};

struct WalkAbort : std::runtime_error {
	int depth;
	WalkAbort(const std::string &w, int d) : std::runtime_error(w), depth(d) {}
};

std::vector<std::unique_ptr<Shape>> make_shapes(int n);
std::string describe(const Shape &s);
int weak_hook(int);
extern int init_order[4];
extern int init_count;
