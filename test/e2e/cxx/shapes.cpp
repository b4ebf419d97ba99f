// Second translation unit: shapes, dynamic_cast/typeid, a weak default that
// the first unit overrides, and static constructors that record their order.
#include "common.hpp"

#include <cstdio>
#include <sstream>

int init_order[4];
int init_count;

namespace {
struct Recorder {
	Recorder(int id, const char *what)
	{
		init_order[init_count++ % 4] = id;
		registry().push_back(what);
	}
};
Recorder rec_b(2, "shapes.cpp static ctor");
} // namespace

__attribute__((weak)) int weak_hook(int x) { return x - 1000; }
__attribute__((weak)) int weak_only_here(int x) { return x * 3; }

struct Circle : Shape {
	double r;
	explicit Circle(double r_) : r(r_) {}
	double area() const override { return 3.0 * r * r; }
	std::string name() const override { return "circle"; }
};

std::vector<std::unique_ptr<Shape>> make_shapes(int n)
{
	std::vector<std::unique_ptr<Shape>> v;
	for (int i = 0; i < n; i++) {
		switch (i % 3) {
		case 0: v.emplace_back(new Rect(i + 1, 2)); break;
		case 1: v.emplace_back(new Square(i)); break;
		default: v.emplace_back(new Circle(i)); break;
		}
	}
	registry().push_back("made " + std::to_string(n) + " shapes, weak_only_here=" +
			     std::to_string(weak_only_here(5)));
	return v;
}

std::string describe(const Shape &s)
{
	std::ostringstream o;
	o << s.name() << " area=" << s.area();
	if (auto *r = dynamic_cast<const Rect *>(&s))
		o << " rect(" << r->w << "x" << r->h << ")";
	if (dynamic_cast<const Square *>(&s))
		o << " is-square";
	o << " typeid-match=" << (typeid(s) == typeid(Circle) ? "circle" : "other");
	return o.str();
}
