import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface PlayerMenuItem<V> {
  value: V;
  label: string;
}

/**
 * A menu button of the player (speed, quality, captions): the button says what is chosen, the menu
 * lists the choices as radio items. Arrow keys move, Enter or Space choose, Escape closes and gives
 * focus back to the button (WAI-ARIA menu button pattern).
 */
export function PlayerMenu<V>({
  label,
  current,
  items,
  value,
  onChoose,
  icon,
  testId,
}: {
  /** What the menu is about: "Speed", "Quality", "Captions". */
  label: string;
  /** What the button shows: the chosen item, or "Auto (720p)". */
  current: string;
  items: Array<PlayerMenuItem<V>>;
  value: V;
  onChoose: (value: V) => void;
  icon?: ReactNode;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const menuId = useId();
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    list.current?.querySelectorAll<HTMLElement>('[role=menuitemradio]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const show = (at: number) => {
    setActive(at);
    setOpen(true);
  };
  const choose = (v: V) => {
    onChoose(v);
    setOpen(false);
    button.current?.focus();
  };
  const chosenIndex = Math.max(0, items.findIndex((i) => i.value === value));

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      e.stopPropagation();
      show(chosenIndex);
    }
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const last = items.length - 1;
    const move = (to: number) => {
      e.preventDefault();
      setActive(to);
    };
    switch (e.key) {
      case 'ArrowDown':
        move(active === last ? 0 : active + 1);
        break;
      case 'ArrowUp':
        move(active === 0 ? last : active - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(last);
        break;
      case 'Escape':
        e.preventDefault();
        setOpen(false);
        button.current?.focus();
        break;
      case 'Tab':
        setOpen(false);
        return;
      case 'Enter':
      case ' ':
        e.preventDefault();
        choose(items[active].value);
        break;
      default:
        return;
    }
    // the player's own shortcuts do not run while a menu is open
    e.stopPropagation();
  };

  return (
    <div className="player-menu" ref={root}>
      <button
        ref={button}
        type="button"
        className="player-button player-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={`${label}: ${current}`}
        title={label}
        data-testid={testId}
        onClick={() => (open ? setOpen(false) : show(chosenIndex))}
        onKeyDown={onButtonKey}
      >
        {icon}
        <span className="player-menu-current">{current}</span>
      </button>
      {open && (
        <ul className="player-menu-list" role="menu" id={menuId} aria-label={label} ref={list} onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <li
              key={String(item.value)}
              role="menuitemradio"
              aria-checked={item.value === value}
              tabIndex={i === active ? 0 : -1}
              onClick={() => choose(item.value)}
              onMouseEnter={() => setActive(i)}
            >
              {item.label}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
