#!/usr/bin/env bash
# A real S3 server for Foyer's tests on one machine: Ceph's radosgw over a one-node cluster that keeps
# its data in memory (no cephx). MinIO and friends cannot be installed here; Debian's radosgw can.
#
#   scripts/s3-radosgw.sh DIR PORT      start; prints "endpoint=http://127.0.0.1:PORT" when S3 answers
#   kill $(cat DIR/run/*.pid)           stop (then remove DIR)
#
# Needs the Debian packages radosgw, ceph-mon, ceph-osd and ceph-common (.ci/run installs them).
# Pitfalls: radosgw loops on "auth -13" without ms_mon_client_mode=crc when cephx is off; the AWS SDK
# must send checksums only when required (s3-storage.ts), or radosgw answers 411 on streamed bodies.
set -euo pipefail
dir=${1:?state folder}
port=${2:?port}
mon_port=$((port + 1))
mon_v2_port=$((port + 2))
mkdir -p "$dir"/{mon,osd,run,log,rgw}
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$dir/ceph.conf"
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$mon_v2_port,v1:127.0.0.1:$mon_port]
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms client mode = crc
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
osd objectstore = memstore
memstore device bytes = 1073741824
osd crush chooseleaf type = 0
run dir = $dir/run
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
admin socket = $dir/run/\$name.asok
[mon.a]
mon data = $dir/mon
[osd.0]
osd data = $dir/osd
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$port
rgw data = $dir/rgw
CONF
c=(-c "$conf")
monmaptool --create --clobber --fsid "$fsid" --addv a "[v2:127.0.0.1:$mon_v2_port,v1:127.0.0.1:$mon_port]" "$dir/monmap" >/dev/null
ceph-mon "${c[@]}" --mkfs -i a --monmap "$dir/monmap"
ceph-mon "${c[@]}" -i a
timeout 30 ceph "${c[@]}" osd create >/dev/null
ceph-osd "${c[@]}" -i 0 --mkfs >/dev/null 2>&1
timeout 30 ceph "${c[@]}" osd crush add-bucket localhost host >/dev/null 2>&1
timeout 30 ceph "${c[@]}" osd crush move localhost root=default >/dev/null 2>&1
timeout 30 ceph "${c[@]}" osd crush add osd.0 1.0 host=localhost >/dev/null 2>&1
ceph-osd "${c[@]}" -i 0 2>/dev/null
radosgw "${c[@]}" -n client.rgw --ms_mon_client_mode=crc --ms_client_mode=crc
for _ in $(seq 1 90); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" = 200 ] && break
  sleep 1
done
timeout 60 radosgw-admin "${c[@]}" user create --uid=foyer --display-name=foyer --access-key=FOYERTESTKEY --secret-key=FOYERTESTSECRET >/dev/null
echo "endpoint=http://127.0.0.1:$port"
