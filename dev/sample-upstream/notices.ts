import { addDays } from "../../src/lib/calendar";
import { kstStamp } from "./dates";
import { fail } from "./errors";
import { hash32 } from "./random";

/**
 * The four notice lists (20 posts each) and their details. Ids are fixed; post
 * dates count back from "today", so events and sales are current in any week.
 */
export type NoticeKind = "general" | "update" | "event" | "cashshop";

interface KindInfo {
  listField: string;
  urlPart: string;
  firstId: number;
  idStep: number;
  everyDays: number;
  titles: string[];
}

const KINDS: Record<NoticeKind, KindInfo> = {
  general: { listField: "notice", urlPart: "notice", firstId: 11000, idStep: 3, everyDays: 2, titles: ["[점검] {md} 정기 점검 안내", "[안내] 게임 이용 관련 안내", "[완료] {md} 임시 점검 안내", "[안내] 일부 콘텐츠 오류 수정 안내", "[안내] 운영정책 변경 안내"] },
  update: { listField: "update_notice", urlPart: "update", firstId: 2200, idStep: 1, everyDays: 7, titles: ["{md} 클라이언트 패치 안내", "{md} 업데이트 패치노트"] },
  event: { listField: "event_notice", urlPart: "event", firstId: 1500, idStep: 2, everyDays: 3, titles: ["메이플 단풍 축제 이벤트", "출석 체크 이벤트", "썬데이 메이플", "버닝 월드 이벤트", "하이퍼 버닝 MAX"] },
  cashshop: { listField: "cashshop_notice", urlPart: "cashshop", firstId: 3200, idStep: 1, everyDays: 4, titles: ["신규 헤어 스타일 출시", "로얄 스타일 업데이트", "펫 패키지 판매 안내", "신규 라벨 아이템 출시"] },
};

const LIST_SIZE = 20;

/** The ids on each list, newest first; details answer only for these. */
export const SAMPLE_NOTICE_IDS: Readonly<Record<NoticeKind, readonly number[]>> = Object.fromEntries(
  Object.entries(KINDS).map(([kind, info]) => [kind, Array.from({ length: LIST_SIZE }, (_, i) => info.firstId - i * info.idStep)]),
) as Record<NoticeKind, number[]>;

function post(kind: NoticeKind, i: number, today: string) {
  const info = KINDS[kind];
  const id = info.firstId - i * info.idStep;
  const day = addDays(today, -i * info.everyDays);
  const [, mm, dd] = day.split("-");
  const title = info.titles[i % info.titles.length]!.replace("{md}", `${Number(mm)}/${Number(dd)}`);
  const base = { title, url: `https://maplestory.nexon.com/news/${info.urlPart}/${id}`, notice_id: id, date: kstStamp(day, 600 + (i % 3) * 30) };
  const thumbnail_url = `https://file.nexon.com/NxFile/download/FileDownloader.aspx?oidFile=${5e15 + hash32(`thumb:${kind}:${id}`)}`;
  if (kind === "event") {
    return { ...base, thumbnail_url, date_event_start: kstStamp(day, 600), date_event_end: kstStamp(addDays(day, 27), 1439) };
  }
  if (kind === "cashshop") {
    const permanent = i % 4 === 3;
    const end = addDays(day, 13);
    return {
      ...base,
      thumbnail_url,
      date_sale_start: permanent ? null : kstStamp(day, 600),
      date_sale_end: permanent ? null : kstStamp(end, 1439),
      ongoing_flag: permanent || end >= today ? "true" : "false",
    };
  }
  return base;
}

export function noticeList(kind: NoticeKind, today: string) {
  return { [KINDS[kind].listField]: Array.from({ length: LIST_SIZE }, (_, i) => post(kind, i, today)) };
}

/** A detail answers only for an id on the current list (else 00004); it has no notice_id. */
export function noticeDetail(kind: NoticeKind, rawId: string | null, today: string) {
  const i = rawId !== null && /^\d+$/.test(rawId) ? SAMPLE_NOTICE_IDS[kind].indexOf(Number(rawId)) : -1;
  if (i < 0) fail("OPENAPI00004");
  const { title, url, notice_id: _id, thumbnail_url: _thumb, ...dates } = post(kind, i, today) as ReturnType<typeof post> & { thumbnail_url?: string };
  const paragraphs = ["안녕하세요. 메이플스토리입니다.", `${title}에 대해 알려드립니다.`, "자세한 내용은 아래를 확인해 주세요.", "감사합니다."];
  return { title, url, contents: `<div>${paragraphs.map((p) => `<p>${p}</p>`).join("")}</div>`, ...dates };
}
