// C++ end-to-end driver for Debian's libpugixml.a: parses and queries XML,
// walks the tree with a virtual callback, throws exceptions through pugixml's
// own frames and catches pugixml's exceptions, and relies on static
// constructors/destructors, RTTI, COMDAT groups and GNU unique symbols that
// are duplicated between this object, shapes.o and pugixml's object.
#include "common.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace {
struct Recorder {
	Recorder(int id, const char *what)
	{
		init_order[init_count++ % 4] = id;
		registry().push_back(what);
	}
	~Recorder() { std::printf("static destructor ran (registry %zu)\n", registry().size()); }
};
Recorder rec_a(1, "main.cpp static ctor");
Recorder rec_prio __attribute__((init_priority(200)))(0, "main.cpp prioritised ctor");
} // namespace

int weak_hook(int x) { return x + 1000; } // overrides the weak one in shapes.cpp

static const char doc_text[] = R"(<?xml version="1.0"?>
<library name="central" opened="1901">
  <shelf id="a">
    <book year="1949" lang="en"><title>Nineteen Eighty-Four</title><price>8.99</price></book>
    <book year="1932" lang="en"><title>Brave New World</title><price>7.50</price></book>
    <book year="1967" lang="es"><title>Cien a&#xF1;os de soledad</title><price>11.25</price></book>
  </shelf>
  <shelf id="b">
    <book year="1851" lang="en"><title>Moby-Dick</title><price>9.00</price></book>
    <magazine issue="12"><title>Notes</title></magazine>
    <!-- a comment -->
    <![CDATA[raw <data> here]]>
  </shelf>
</library>)";

struct AbortingWalker : pugi::xml_tree_walker {
	bool for_each(pugi::xml_node &n) override
	{
		if (std::string(n.name()) == "magazine")
			throw WalkAbort("found a magazine", depth());
		return true;
	}
};

int main()
{
	std::printf("init order: %d %d %d (count %d)\n", init_order[0], init_order[1], init_order[2],
		    init_count);
	pugi::xml_document doc;
	pugi::xml_parse_result res = doc.load_string(doc_text);
	std::printf("parse: %s at %td\n", res.description(), res.offset);

	pugi::xml_node lib = doc.child("library");
	std::printf("library %s opened %d\n", lib.attribute("name").value(),
		    lib.attribute("opened").as_int());
	for (pugi::xml_node shelf : lib.children("shelf")) {
		std::printf(" shelf %s:", shelf.attribute("id").value());
		for (pugi::xml_node b : shelf.children())
			if (b.type() == pugi::node_element)
				std::printf(" [%s %s]", b.name(), b.child_value("title"));
		std::printf("\n");
	}

	pugi::xpath_node_set old = doc.select_nodes("//book[@year < 1950]/title");
	std::printf("xpath old books: %zu\n", old.size());
	for (auto &n : old)
		std::printf("  %s\n", n.node().child_value());
	std::printf("xpath sum(price)=%.2f count(en)=%.0f\n",
		    pugi::xpath_query("sum(//price)").evaluate_number(doc),
		    pugi::xpath_query("count(//book[@lang='en'])").evaluate_number(doc));
	std::printf("xpath string: %s\n",
		    pugi::xpath_query("concat(//shelf[2]/@id, '-', string-length(//magazine/title))")
			    .evaluate_string(doc).c_str());

	// exception thrown inside pugixml's code, caught here
	try {
		pugi::xpath_query bad("//book[@year <");
		std::printf("no exception?\n");
	} catch (const pugi::xpath_exception &e) {
		std::printf("caught xpath_exception: %s (typeid %s)\n", e.what(),
			    typeid(e).name());
	}
	// exception thrown by our callback, unwinding through pugixml's traverse()
	try {
		AbortingWalker w;
		doc.traverse(w);
		std::printf("walker finished?\n");
	} catch (const std::runtime_error &e) {
		const WalkAbort *wa = dynamic_cast<const WalkAbort *>(&e);
		std::printf("caught through pugixml: %s depth=%d dynamic_cast=%s\n", e.what(),
			    wa ? wa->depth : -1, wa ? "ok" : "null");
	}

	CountingWalker cw;
	doc.traverse(cw);
	for (auto &kv : cw.seen)
		std::printf("  element %s x%d\n", kv.first.c_str(), kv.second);

	// modify and serialise
	pugi::xml_node nb = lib.child("shelf").append_child("book");
	nb.append_attribute("year") = 2001;
	nb.append_child("title").text().set("Added & <escaped>");
	lib.remove_child(lib.find_child_by_attribute("shelf", "id", "b"));
	std::ostringstream out;
	doc.save(out, "  ", pugi::format_default | pugi::format_no_declaration);
	std::cout << out.str();

	auto shapes = make_shapes(7);
	std::sort(shapes.begin(), shapes.end(),
		  [](const std::unique_ptr<Shape> &a, const std::unique_ptr<Shape> &b) {
			  return a->area() < b->area();
		  });
	for (auto &s : shapes)
		std::printf("  %s\n", describe(*s).c_str());
	std::printf("Counter<Rect>=%d weak_hook=%d\n", Counter<Rect>::count, weak_hook(1));
	for (auto &r : registry())
		std::printf("  registry: %s\n", r.c_str());

	try {
		throw std::out_of_range("plain C++ throw");
	} catch (const std::logic_error &e) {
		std::printf("caught %s\n", e.what());
	}
	std::fflush(stdout);
	return 3;
}
