#!/usr/bin/env bash
# Peak memory of `import` on a large generated XML backup: the file is read as a stream, so the peak
# should stay near one post's size however large the file is. Usage:
#   benches/import/memory.sh [POSTS] [ATTACHMENT_KB] [BINARY]
# Defaults: 2000 posts with a 100 KB attachment each (a ~270 MB file), target/release/tistory-migrate.
# Needs GNU time (/usr/bin/time) and python3. Writes under target/import-memory/.
set -euo pipefail
cd "$(dirname "$0")/../.."
posts="${1:-2000}"
kb="${2:-100}"
bin="${3:-target/release/tistory-migrate}"
dir=target/import-memory
rm -rf "$dir" && mkdir -p "$dir"
python3 - "$posts" "$kb" "$dir/big.xml" <<'PY'
import base64, os, sys
posts, kb, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>\n<blog type="tattertools/1.1"><setting><name>bigblog</name></setting>\n')
    for i in range(1, posts + 1):
        blob = base64.b64encode(os.urandom(kb * 1024)).decode()
        f.write(f'<post><id>{i}</id><visibility>public</visibility><title>글 {i}</title>'
                f'<content>&lt;p&gt;본문 {i} 입니다.&lt;/p&gt;[##_1C|f{i}.jpg||사진 {i}_##]</content>'
                f'<published>{1300000000 + i * 3600}</published><tag>태그{i % 7}</tag>'
                f'<attachment mime="image/jpeg"><name>f{i}.jpg</name><label>사진.jpg</label><content>{blob}</content></attachment>'
                f'<comment><commenter><name>손님</name><ip>10.0.0.1</ip></commenter><content>댓글</content><written>{1300000000 + i * 3600}</written></comment>'
                '</post>\n')
    f.write('</blog>\n')
PY
size=$(stat -c %s "$dir/big.xml")
/usr/bin/time -f "%M %e" -o "$dir/time.txt" "$bin" --no-progress -q import "$dir/big.xml" --out "$dir/archive" >/dev/null
read -r peak_kb secs < "$dir/time.txt"
echo "file $((size / 1024 / 1024)) MiB, $posts posts: peak RSS $((peak_kb / 1024)) MiB, ${secs} s"
