from bot.outline import section_tree
from rag.store.database import ChunkRow


def _chunk(ord_: int, section: str) -> ChunkRow:
    return ChunkRow(f"d:{ord_}", "d", ord_, section, f"text {ord_}", ord_ * 10, ord_ * 10 + 9, ())


def test_tree_follows_heading_paths_in_reading_order() -> None:
    chunks = [_chunk(0, ""), _chunk(1, "一、甲"), _chunk(2, "一、甲 > （一）乙"), _chunk(3, "一、甲 > （二）丙"),
              _chunk(4, "二、丁 > （一）戊"), _chunk(5, "一、甲")]
    tree = section_tree(reversed(chunks), embedded={"d:2"})
    assert [n.title for n in tree] == ["", "一、甲", "二、丁"]
    first = tree[1]
    assert [c.ord for c in first.chunks] == [1, 5]
    assert [(n.title, n.path) for n in first.children] == [
        ("（一）乙", "一、甲 > （一）乙"), ("（二）丙", "一、甲 > （二）丙")]
    assert first.children[0].chunks[0].embedded and not first.chunks[0].embedded
    assert tree[2].chunks == [] and tree[2].children[0].chunks[0].ord == 4
